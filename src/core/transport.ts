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
  /** Closes gracefully: what was written still goes out, then FIN. */
  end(): void;
  /** Closes at once (RST), dropping anything unsent. */
  destroy(): void;
  /** Stops reading (backpressure) until resume(). */
  pause(): void;
  resume(): void;
  /** "host:port" of the peer and of this end. */
  readonly remoteAddress: string;
  readonly localAddress: string;
}

/** What the core does with a socket's events; the transport calls these, onClose exactly once. */
export interface SocketHandler {
  onData(chunk: Uint8Array): void;
  onDrain(): void;
  onClose(error?: Error): void;
}

export interface TlsOptions {
  /** PEM strings or bytes. */
  key?: string | Uint8Array;
  cert?: string | Uint8Array;
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  passphrase?: string;
  /** Verify the peer's certificate (client: the server's; server: clients', with requestCert). */
  rejectUnauthorized?: boolean;
  requestCert?: boolean;
  serverName?: string;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** Several listeners may bind the same port (SO_REUSEPORT), e.g. one per I/O worker. */
  reusePort?: boolean;
  /** Serve TLS; null or absent for plaintext. */
  tls?: TlsOptions | null;
}

export interface ConnectOptions {
  host: string;
  port: number;
  timeoutMs: number;
  tls?: TlsOptions | null;
}

export interface TransportListener {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops accepting; open connections are not touched. */
  close(): void;
}

export interface Transport {
  readonly name: string;
  /** Listens; `accept` is called for every new connection and returns its handler. */
  listen(options: ListenOptions, accept: (socket: TransportSocket) => SocketHandler): Promise<TransportListener>;
  /**
   * Connects within `timeoutMs`. `attach` is called once the socket is open, before any data is
   * delivered, and returns its handler. Rejects on failure or timeout.
   */
  connect(options: ConnectOptions, attach: (socket: TransportSocket) => SocketHandler): Promise<TransportSocket>;
}
