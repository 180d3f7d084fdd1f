/**
 * Every error the library raises is a RemotingError with a stable, machine-readable `code`.
 * Messages follow the Java originals where a RocketMQ user would grep for them.
 */
export class RemotingError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A frame or header that cannot be decoded or encoded (Java: RemotingCommandException). */
export class RemotingCommandError extends RemotingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_COMMAND", message, options);
  }
}

/** The connection to `addr` could not be opened (Java: RemotingConnectException). */
export class RemotingConnectError extends RemotingError {
  readonly addr: string;
  constructor(addr: string, options?: { cause?: unknown; message?: string }) {
    super("ERR_REMOTING_CONNECT", options?.message ?? `connect to ${addr} failed`, options);
    this.addr = addr;
  }
}

/** The request could not be sent, or its connection closed before the answer came. */
export class RemotingSendRequestError extends RemotingError {
  readonly addr: string;
  constructor(addr: string, options?: { cause?: unknown; message?: string }) {
    super("ERR_REMOTING_SEND_REQUEST", options?.message ?? `send request to ${addr} failed`, options);
    this.addr = addr;
  }
}

/** No answer within the caller's budget (Java: RemotingTimeoutException). */
export class RemotingTimeoutError extends RemotingError {
  readonly addr: string;
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

/** Flow control: no async/oneway permit was free (Java: RemotingTooMuchRequestException). */
export class RemotingTooMuchRequestError extends RemotingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_TOO_MUCH_REQUEST", message, options);
  }
}

/**
 * Thrown by an RPC hook (or a processor) to refuse a request with a given response code and remark,
 * without running the processor (Java 5.1+: AbortProcessException), e.g. a failed ACL check.
 */
export class RemotingAbortProcessError extends RemotingError {
  readonly responseCode: number;
  constructor(responseCode: number, message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_ABORT_PROCESS", message, options);
    this.responseCode = responseCode;
  }
}

/**
 * A configured limit was exceeded; `limit` names the option (maxConnections, frameTimeoutMs, ...).
 * The server closes the offending connection with it (logged, and given to onChannelException).
 */
export class RemotingLimitError extends RemotingError {
  readonly limit: string;
  constructor(limit: string, message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_LIMIT", message, options);
    this.limit = limit;
  }
}

/**
 * TLS failed or was refused: a failed handshake, a certificate that does not verify, or a client
 * whose TLS-or-plaintext choice the server's tlsMode does not allow.
 */
export class RemotingTlsError extends RemotingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_REMOTING_TLS", message, options);
  }
}

/** A server could not listen on its address (busy port, no permission, unknown host); the cause says why. */
export class RemotingListenError extends RemotingError {
  readonly host: string;
  readonly port: number;
  constructor(host: string, port: number, options?: { cause?: unknown; message?: string }) {
    super("ERR_REMOTING_LISTEN", options?.message ?? `cannot listen on ${host}:${port}`, options);
    this.host = host;
    this.port = port;
  }
}

/** A call was cancelled through its AbortSignal; `cause` is the signal's reason. */
export class RemotingAbortedError extends RemotingError {
  readonly addr: string;
  constructor(addr: string, options?: { cause?: unknown; message?: string }) {
    super("ERR_REMOTING_ABORTED", options?.message ?? `invoke to ${addr} aborted`, options);
    this.addr = addr;
  }
}

/** The server or client was used after shutdown() began, or before start(). */
export class RemotingLifecycleError extends RemotingError {
  constructor(message: string) {
    super("ERR_REMOTING_LIFECYCLE", message);
  }
}

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

/**
 * A message, topic, group or batch fails the client-side checks RocketMQ's Java client makes before
 * sending, or a send gave up after its attempts (Java: MQClientException). `responseCode` is the code
 * Java attaches: MESSAGE_ILLEGAL (13) for a bad body, the last broker code or a ClientErrorCode
 * (10001 connect, 10002 timeout, 10003 broker not found, 10005 no route) for a failed send, -1 otherwise.
 */
export class MQClientError extends RemotingError {
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
  readonly responseCode: number;
  readonly remark: string | null;
  readonly brokerAddr: string | null;
  constructor(responseCode: number, remark: string | null, brokerAddr: string | null = null) {
    super("ERR_MQ_BROKER", `CODE: ${responseCode}  DESC: ${remark}${brokerAddr !== null ? ` BROKER: ${brokerAddr}` : ""}`);
    this.responseCode = responseCode;
    this.remark = remark;
    this.brokerAddr = brokerAddr;
  }
}
