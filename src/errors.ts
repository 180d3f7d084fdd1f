/**
 * The errors the library reports: every failure of a call, a connection or a server is a
 * RemotingError with a stable, machine-readable `code` (the subclass says the same); the system's
 * or the runtime's error that caused it, if any, is its `cause`. Messages follow the Java originals
 * where a RocketMQ user would grep for them. A programming error (a bad argument or option) is not
 * one of these: it throws a TypeError (a RangeError for a number out of range) at once.
 *
 * `instanceof` works across copies of the library in one process (two versions installed, the Bun
 * sources next to the Node build, a bundled copy): each class has a kind, registered under
 * Symbol.for keys that every copy shares, and an error is an instance of a class of any copy when
 * that class's kind is its own or one of its superclasses'. Subclasses of your own keep ordinary
 * prototype semantics.
 */

/** The kinds an error is (its class's and every superclass's): on each class's prototype. */
const KINDS: unique symbol = Symbol.for("bun-remoting.errors.kinds.v1") as never;
/** A class's own kind: its name, which is part of the API and the same in every copy. */
const KIND: unique symbol = Symbol.for("bun-remoting.errors.kind.v1") as never;

interface Branded {
  [KINDS]?: unknown;
}

/** Registers `cls` as kind `kind`: its instances are `kind` and whatever its superclass's are. */
function brand(cls: abstract new (...args: never[]) => RemotingError, kind: string): void {
  const inherited = (Object.getPrototypeOf(cls.prototype) as Branded)[KINDS];
  const kinds = Object.freeze([...(Array.isArray(inherited) ? inherited : []), kind]);
  Object.defineProperty(cls, KIND, { value: kind });
  Object.defineProperty(cls.prototype, KINDS, { value: kinds });
}

/** The error of every failure the library reports; `code` says which kind (the table in the README). */
export class RemotingError extends Error {
  /** Stable and machine-readable: ERR_REMOTING_TIMEOUT, ... */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /**
   * `error instanceof RemotingTimeoutError`: true for an error made by that class, or a subclass,
   * of any copy of the library; the prototype check first, so an error of this copy costs nothing more.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (!Object.hasOwn(this, KIND)) return false; // a subclass of your own: the prototype check is all
    const kinds = (value as Branded | null | undefined)?.[KINDS];
    return Array.isArray(kinds) && kinds.includes((this as { [KIND]?: string })[KIND]);
  }
}
brand(RemotingError, "RemotingError");

/** A frame or header that cannot be decoded or encoded (Java: RemotingCommandException). */
export class RemotingCommandError extends RemotingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_COMMAND", message, options);
  }
}
brand(RemotingCommandError, "RemotingCommandError");

/** The connection to `addr` could not be opened (Java: RemotingConnectException). */
export class RemotingConnectError extends RemotingError {
  /** The address that could not be reached, as the call gave it. */
  readonly addr: string;
  constructor(addr: string, options?: { cause?: unknown; message?: string }) {
    super("ERR_REMOTING_CONNECT", options?.message ?? `connect to ${addr} failed`, options);
    this.addr = addr;
  }
}
brand(RemotingConnectError, "RemotingConnectError");

/** The request could not be sent, or its connection closed before the answer came. */
export class RemotingSendRequestError extends RemotingError {
  /** The address of the connection the request was for. */
  readonly addr: string;
  constructor(addr: string, options?: { cause?: unknown; message?: string }) {
    super("ERR_REMOTING_SEND_REQUEST", options?.message ?? `send request to ${addr} failed`, options);
    this.addr = addr;
  }
}
brand(RemotingSendRequestError, "RemotingSendRequestError");

/** No answer within the caller's budget (Java: RemotingTimeoutException). */
export class RemotingTimeoutError extends RemotingError {
  /** The address the call went to. */
  readonly addr: string;
  /** The budget that ran out: the call's `timeoutMs`. */
  readonly timeoutMs: number;
  constructor(addr: string, timeoutMs: number, options?: { cause?: unknown; message?: string }) {
    super(
      "ERR_REMOTING_TIMEOUT",
      options?.message ?? `wait response on the channel ${addr} timeout, ${timeoutMs}(ms)`,
      options,
    );
    this.addr = addr;
    this.timeoutMs = timeoutMs;
  }
}
brand(RemotingTimeoutError, "RemotingTimeoutError");

/** Flow control: no async/oneway permit was free (Java: RemotingTooMuchRequestException). */
export class RemotingTooMuchRequestError extends RemotingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_TOO_MUCH_REQUEST", message, options);
  }
}
brand(RemotingTooMuchRequestError, "RemotingTooMuchRequestError");

/**
 * Thrown by an RPC hook (or a processor) to refuse a request with a given response code and remark,
 * without running the processor (Java 5.1+: AbortProcessException), e.g. a failed ACL check.
 */
export class RemotingAbortProcessError extends RemotingError {
  /** The response code the request is answered with (the error's message is the remark). */
  readonly responseCode: number;
  constructor(responseCode: number, message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_ABORT_PROCESS", message, options);
    this.responseCode = responseCode;
  }
}
brand(RemotingAbortProcessError, "RemotingAbortProcessError");

/**
 * A configured limit was exceeded; `limit` names the option (maxConnections, frameTimeoutMs, ...).
 * The server closes the offending connection with it (logged, and given to onChannelException).
 */
export class RemotingLimitError extends RemotingError {
  /** The option whose limit was broken: maxConnections, frameTimeoutMs, ... */
  readonly limit: string;
  constructor(limit: string, message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_LIMIT", message, options);
    this.limit = limit;
  }
}
brand(RemotingLimitError, "RemotingLimitError");

/**
 * TLS failed or was refused: a failed handshake, a certificate that does not verify, or a client
 * whose TLS-or-plaintext choice the server's tlsMode does not allow.
 */
export class RemotingTlsError extends RemotingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_TLS", message, options);
  }
}
brand(RemotingTlsError, "RemotingTlsError");

/** A server could not listen on its address (busy port, no permission, unknown host, a socket file in use); the cause says why. */
export class RemotingListenError extends RemotingError {
  /** "host:port" or "unix:/path" as asked for. */
  readonly address: string;
  constructor(address: string, options?: { cause?: unknown; message?: string }) {
    super("ERR_REMOTING_LISTEN", options?.message ?? `cannot listen on ${address}`, options);
    this.address = address;
  }
}
brand(RemotingListenError, "RemotingListenError");

/** A call was cancelled through its AbortSignal; `cause` is the signal's reason. */
export class RemotingAbortedError extends RemotingError {
  /** The address the call went to. */
  readonly addr: string;
  constructor(addr: string, options?: { cause?: unknown; message?: string }) {
    super("ERR_REMOTING_ABORTED", options?.message ?? `invoke to ${addr} aborted`, options);
    this.addr = addr;
  }
}
brand(RemotingAbortedError, "RemotingAbortedError");

/**
 * A PROXY protocol header that is malformed, or missing where proxyProtocol "required" asks for
 * one. `offset` is the byte of the connection's stream (0-based) where the problem was found; the
 * connection that sent it must be closed, as the spec asks.
 */
export class RemotingProxyProtocolError extends RemotingError {
  /** The byte of the connection's stream (0-based) where the header went wrong. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super("ERR_REMOTING_PROXY_PROTOCOL", `PROXY protocol: ${message} (at byte ${offset})`);
    this.offset = offset;
  }
}
brand(RemotingProxyProtocolError, "RemotingProxyProtocolError");

/** The server or client was used after shutdown() began, or before start(). */
export class RemotingLifecycleError extends RemotingError {
  constructor(message: string) {
    super("ERR_REMOTING_LIFECYCLE", message);
  }
}
brand(RemotingLifecycleError, "RemotingLifecycleError");

/**
 * A worker thread failed: it crashed, hung past taskTimeoutMs, could not load its module, or its
 * group shut down. A request it held is answered SYSTEM_ERROR with this message; an I/O worker that
 * cannot start makes server.start() reject with it.
 */
export class RemotingWorkerError extends RemotingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_WORKER", message, options);
  }
}
brand(RemotingWorkerError, "RemotingWorkerError");

/**
 * A message, topic, group or batch fails the client-side checks RocketMQ's Java client makes before
 * sending, or a send gave up after its attempts (Java: MQClientException). `responseCode` is the code
 * Java attaches: MESSAGE_ILLEGAL (13) for a bad body, the last broker code or a ClientErrorCode
 * (10001 connect, 10002 timeout, 10003 broker not found, 10005 no route) for a failed send, -1 otherwise.
 */
export class MQClientError extends RemotingError {
  /** Java's code for the failure: 13 (MESSAGE_ILLEGAL) for a bad body, a broker or client error code for a failed send, -1 otherwise. */
  readonly responseCode: number;
  constructor(message: string, options?: { responseCode?: number; cause?: unknown }) {
    super("ERR_MQ_CLIENT", message, options);
    this.responseCode = options?.responseCode ?? -1;
  }

  /** Java's MQClientException(code, message): the message reads "CODE: <code>  DESC: <message>". */
  static withCode(responseCode: number, description: string): MQClientError {
    return new MQClientError(`CODE: ${responseCode}  DESC: ${description}`, { responseCode });
  }
}

/**
 * A broker answered a send or pull with a code the client treats as an error
 * (Java: MQBrokerException): `responseCode` is the broker's code, `remark` its text.
 */
export class MQBrokerError extends RemotingError {
  /** The broker's response code. */
  readonly responseCode: number;
  /** The broker's remark (its explanation), or null. */
  readonly remark: string | null;
  /** The broker that answered ("host:port"), when known. */
  readonly brokerAddr: string | null;
  constructor(responseCode: number, remark: string | null, brokerAddr: string | null = null) {
    super("ERR_MQ_BROKER", `CODE: ${responseCode}  DESC: ${remark}${brokerAddr !== null ? ` BROKER: ${brokerAddr}` : ""}`);
    this.responseCode = responseCode;
    this.remark = remark;
    this.brokerAddr = brokerAddr;
  }
}
brand(MQClientError, "MQClientError");
brand(MQBrokerError, "MQBrokerError");
