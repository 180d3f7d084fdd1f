/**
 * The contract between the runtime-free core and a runtime's sockets (src/transport/bun.ts,
 * src/transport/node.ts). The core owns framing, batching and flow control; a transport only
 * moves bytes and reports events.
 */

/** One connected socket, as the core sees it. */
export interface TransportSocket {
  /**
   * Sends bytes. Returns how many the transport took; the caller keeps the rest and offers it again
   * after `onDrain`. -1 means the socket is closed.
   */
  write(bytes: Uint8Array): number;
  /**
   * True when the transport keeps a reference to written bytes until they are on the wire (Node),
   * so the caller must not reuse the array; false when bytes are copied or sent before `write`
   * returns (Bun), so the caller may reuse it at once.
   */
  readonly retainsWrittenBytes: boolean;
  /**
   * Whether frames produced while a long batch of incoming frames is handled should go out as they
   * are ready (in parts: after 0.03 ms, then every 0.1 ms) rather than in one write at its end: true
   * when the peer can work on them meanwhile, i.e. this thread is not short of CPU. Consulted at most
   * once per part of a batch. Absent: one write per batch, always.
   */
  splitLongBatches?(): boolean;
  /**
   * Bodies of at most this many bytes are copied out of the chunks this socket delivers instead of
   * viewed (FrameDecoderOptions.copyBodiesUpTo). Absent: always views.
   */
  readonly copyBodiesUpTo?: number;
  /** Closes gracefully: what was written still goes out, then FIN. */
  end(): void;
  /** Closes at once (RST), dropping anything unsent. */
  destroy(): void;
  /** Stops reading (backpressure) until resume(). */
  pause(): void;
  /** Reads again after pause(). */
  resume(): void;
  /** "host:port" of the peer; "unix:<path>" for a unix domain socket. */
  readonly remoteAddress: string;
  /** "host:port" of this end; "unix:<path>" (the same as remoteAddress) for a unix domain socket. */
  readonly localAddress: string;
  /**
   * Only on sockets accepted by a listener given `tls`: continues this connection as a TLS server,
   * `initial` being the bytes received so far (the start of the ClientHello, which the core sniffed).
   * From then on onData delivers decrypted bytes and write() encrypts; the handler's onSecure runs
   * once the handshake is done, and a failed handshake closes the socket (onClose with the error).
   */
  startTls?(initial: Uint8Array): void;
}

/** What the core does with a socket's events; the transport calls these, onClose exactly once. */
export interface SocketHandler {
  /**
   * Bytes received (after TLS, decrypted). The transport must never write to `chunk` again: the
   * core keeps views of it (request bodies).
   */
  onData(chunk: Uint8Array): void;
  /** The socket can take more after a write() that took less than it was given. */
  onDrain(): void;
  /** The socket closed (by either side, or after end() / destroy()); `error` when it failed. Exactly once; nothing is delivered after it. */
  onClose(error?: Error): void;
  /** The TLS handshake started by startTls() succeeded (and the peer's certificate passed, if one was required). */
  onSecure?(): void;
}

/** PEM text or its bytes. */
export type Pem = string | Uint8Array;

/** TLS material and checks, as node:tls and Bun name them; the client and server options below pick from it. */
export interface TlsOptions {
  /** Private key (PEM), encrypted with `passphrase` if set. */
  key?: Pem | Pem[];
  /** Certificate chain (PEM). */
  cert?: Pem | Pem[];
  /** Trusted CA certificates (PEM); replaces the default (Mozilla) list. */
  ca?: Pem | Pem[];
  /** Decrypts an encrypted `key`. */
  passphrase?: string;
  /** Verify the peer's certificate (client: the server's; server: clients', with requestCert). */
  rejectUnauthorized?: boolean;
  /** Server: ask clients for a certificate (mutual TLS), checked against `ca`. */
  requestCert?: boolean;
  /** Client: the name sent as SNI and checked against the server's certificate (default: the host dialled). */
  serverName?: string;
}

/**
 * Client TLS (used when `useTLS` is on). The server's certificate is verified unless
 * `rejectUnauthorized: false` is given (for test set-ups with self-signed certificates only).
 */
export type ClientTlsOptions = Pick<TlsOptions, "key" | "cert" | "ca" | "passphrase" | "rejectUnauthorized" | "serverName">;

/**
 * Server TLS: its certificate and key, and optionally client-certificate checks (mutual TLS):
 * `requestCert: true` asks clients for a certificate signed by `ca`, and refuses those without one
 * unless `rejectUnauthorized: false`.
 */
export type ServerTlsOptions = Pick<TlsOptions, "ca" | "passphrase" | "rejectUnauthorized" | "requestCert"> & Required<Pick<TlsOptions, "key" | "cert">>;

/** Where and how a Transport listens (RemotingServer passes its host, port, unix, reusePort and tls options). */
export interface ListenOptions {
  /** Address to bind ("0.0.0.0", "::", a host name). Ignored with `path`. */
  host: string;
  /** Port to bind; 0 picks a free one (TransportListener.port tells which). Ignored with `path`. */
  port: number;
  /**
   * A unix domain socket to listen on instead of host and port. A stale socket file (nobody listens
   * on it) is replaced; a live one, or a file that is not a socket, fails the listen. The file is
   * removed when the listener closes.
   */
  path?: string | null;
  /** Several listeners may bind the same port (SO_REUSEPORT), e.g. one per I/O worker. */
  reusePort?: boolean;
  /** The server's TLS material: accepted sockets then offer startTls(). */
  tls?: ServerTlsOptions | null;
}

/** Where and how a Transport connects (RemotingClient passes the address called and its connectTimeoutMs, useTLS and tls options). */
export interface ConnectOptions {
  /** Host name or IP address to dial. Ignored with `path`. */
  host: string;
  /** Port to dial. Ignored with `path`. */
  port: number;
  /** A unix domain socket to connect to instead of host and port. */
  path?: string | null;
  /** Budget for the connect (and TLS handshake) in ms; past it, the promise rejects and the socket is closed. */
  timeoutMs: number;
  /** TLS for this connection (null: plaintext); the promise resolves after the handshake. */
  tls?: ClientTlsOptions | null;
}

/** A listening socket, as Transport.listen returns it. */
export interface TransportListener {
  /** The bound port (the real one when 0 was asked for); 0 for a unix domain socket. */
  readonly port: number;
  /** Stops accepting; open connections are not touched. */
  close(): void;
}

/**
 * A runtime's sockets: what RemotingServer and RemotingClient need from it (option `transport`).
 * bunTransport (bun-remoting/bun) and nodeTransport (bun-remoting/node) implement it; a transport of
 * your own (an in-memory one for tests, say) can too.
 */
export interface Transport {
  /** Which sockets these are ("bun", "node"): for the reader of a transport object; the core does not use it. */
  readonly name: string;
  /** Listens; `accept` is called for every new connection and returns its handler. */
  listen(options: ListenOptions, accept: (socket: TransportSocket) => SocketHandler): Promise<TransportListener>;
  /**
   * Connects within `timeoutMs`. `attach` is called once the socket is open, before any data is
   * delivered, and returns its handler. Rejects on failure or timeout.
   */
  connect(options: ConnectOptions, attach: (socket: TransportSocket) => SocketHandler): Promise<TransportSocket>;
}
