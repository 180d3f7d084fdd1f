import * as net from "node:net";
import type * as tls from "node:tls";
import { formatAddress, UNIX_PREFIX } from "../core/address.ts";
import type {
  ConnectOptions,
  ListenOptions,
  SocketHandler,
  TlsOptions,
  Transport,
  TransportListener,
  TransportSocket,
} from "../core/transport.ts";
import { RemotingTlsError } from "../errors.ts";
import type { RawSocket, TlsServerBridge } from "./tls-bridge.ts";
import { claimSocketPath, releaseSocketPath } from "./unix-socket-file.ts";
import { threadHasSpareCpu } from "./cpu-share.ts";

/** Starts a TLS server session over an accepted socket's raw side (see tls-bridge.ts). */
type StartTlsSession = (raw: RawSocket, handler: SocketHandler, initial: Uint8Array) => TlsServerBridge;

/**
 * After end(), how long buffered bytes may take to reach a peer before the socket is destroyed.
 * Bun's end() closes at once (the kernel sends what it holds); Node's keeps the socket open until
 * its own buffer is written, which a peer that stopped reading would make last forever.
 */
const END_LINGER_MS = 2_000;

/**
 * A node:net (or node:tls) socket as the core sees it. Node's write takes everything, buffers what
 * the kernel did not accept, and keeps a reference to the bytes until they are sent. Once it
 * signals backpressure (write returns false) this adapter takes nothing more until 'drain', so the
 * core keeps the rest under its own water marks instead of Node buffering without bound.
 */
class NodeSocket implements TransportSocket {
  readonly retainsWrittenBytes = true;
  readonly splitLongBatches = threadHasSpareCpu;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly startTls?: (initial: Uint8Array) => void;
  private drainOwed = false;
  private handler: SocketHandler | null = null;
  private error: Error | undefined;
  /** The socket itself under the RawSocket contract. */
  private readonly raw: RawSocket;
  /** Where the core's calls go: `raw`, or after startTls() the TLS session over it. */
  private sink: RawSocket;

  constructor(
    private readonly socket: net.Socket,
    /** The listener serves TLS: an accepted socket may continue as a TLS server once the core sniffed it. */
    startTlsSession: StartTlsSession | null = null,
    /** A unix domain socket's path: both ends are then named by it. */
    unixPath: string | null = null,
  ) {
    if (unixPath === null) {
      socket.setNoDelay(true); // Nagle is on by default in Node; Bun turns it off itself
      this.remoteAddress = formatAddress(socket.remoteAddress ?? "", socket.remotePort ?? 0);
      this.localAddress = formatAddress(socket.localAddress ?? "", socket.localPort ?? 0);
    } else {
      this.remoteAddress = this.localAddress = `${UNIX_PREFIX}${unixPath}`;
    }
    this.raw = {
      // The body is here rather than in a method it calls: one call less per write (measured under V8).
      write: (bytes) => {
        if (!socket.writable) return -1;
        if (this.drainOwed) return 0;
        if (!socket.write(bytes)) this.drainOwed = true;
        return bytes.length;
      },
      end: () => this.rawEnd(),
      destroy: () => this.rawDestroy(),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
    };
    this.sink = this.raw;
    if (startTlsSession !== null) this.startTls = (initial) => this.upgrade(startTlsSession, initial);
  }

  /** From now on the raw socket's events go to the TLS session, which reports to the core's handler. */
  private upgrade(startTlsSession: StartTlsSession, initial: Uint8Array): void {
    if (this.sink !== this.raw || this.handler === null) return;
    const session = startTlsSession(this.raw, this.handler, initial);
    this.sink = session;
    this.handler = session;
  }

  /** Routes the socket's events to `handler` (before any data is read). */
  attach(handler: SocketHandler): void {
    const socket = this.socket;
    this.handler = handler;
    // Each chunk is a Buffer over its own allocation (node:net never reuses it): views may be kept.
    // The core gets a plain Uint8Array over the same bytes: decoded bodies are then plain arrays
    // (whose slice() copies, unlike Buffer's) and views of them are cheaper to make.
    socket.on("data", (chunk: Buffer) => this.handler?.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    socket.on("drain", () => {
      this.drainOwed = false;
      this.handler?.onDrain();
    });
    socket.on("error", (error: Error) => {
      this.error ??= error; // 'close' follows and reports it
    });
    socket.on("close", () => this.reportClose());
  }

  /** Tells the handler once, and routes nothing to it afterwards. */
  private reportClose(): void {
    const h = this.handler;
    this.handler = null;
    h?.onClose(this.error);
  }

  write(bytes: Uint8Array): number {
    return this.sink.write(bytes);
  }

  /**
   * Like Bun's end(): the connection is closed for the core at once (onClose runs now, nothing more
   * is read), while Node writes what it buffered, sends FIN and then releases the socket.
   */
  end(): void {
    this.sink.end();
  }

  private rawEnd(): void {
    if (this.handler === null) return;
    const socket = this.socket;
    socket.pause();
    socket.end(() => socket.destroy());
    const linger = setTimeout(() => socket.destroy(), END_LINGER_MS).unref();
    socket.once("close", () => clearTimeout(linger));
    this.reportClose();
  }

  destroy(): void {
    this.sink.destroy();
  }

  /** Closes with a reset, as Bun's terminate() does (node:tls and unix sockets can only be destroyed). */
  private rawDestroy(): void {
    const socket = this.socket;
    if ((socket as tls.TLSSocket).encrypted === true || this.remoteAddress.startsWith(UNIX_PREFIX)) socket.destroy();
    else socket.resetAndDestroy();
  }

  pause(): void {
    this.sink.pause();
  }

  resume(): void {
    this.sink.resume();
  }
}

function nodeTls(options: TlsOptions): tls.SecureContextOptions & tls.CommonConnectionOptions & { servername?: string } {
  const { key, cert, ca, passphrase, rejectUnauthorized, requestCert, serverName } = options;
  return {
    ...(key !== undefined && { key: key as string | Buffer }),
    ...(cert !== undefined && { cert: cert as string | Buffer }),
    ...(ca !== undefined && { ca: ca as string | Buffer | Array<string | Buffer> }),
    ...(passphrase !== undefined && { passphrase }),
    ...(rejectUnauthorized !== undefined && { rejectUnauthorized }),
    ...(requestCert !== undefined && { requestCert }),
    ...(serverName !== undefined && { servername: serverName }),
  };
}

/** A failed client handshake, worded as the Bun transport words it: the reason is the certificate error's code. */
function handshakeError(addr: string, error: Error): RemotingTlsError {
  const why = (error as { code?: string }).code ?? error.message;
  return new RemotingTlsError(`TLS handshake with ${addr} failed: ${why}`, { cause: error });
}

/** node:tls is loaded only by the endpoints that use TLS. */
const loadTls = (): Promise<typeof tls> => import("node:tls");

/** net.Server.listen takes `reusePort` from Node 22.12 / 23.1 on; Bun's node:net has it too. */
function listenSupportsReusePort(): boolean {
  if (process.versions.bun !== undefined) return true;
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major >= 24 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** Sockets on node:net (node:tls for TLS), on Node and on Bun: the default transport of the package root under Node. */
export const nodeTransport: Transport = {
  name: "node",

  async listen(options: ListenOptions, accept: (socket: TransportSocket) => SocketHandler): Promise<TransportListener> {
    if (options.reusePort === true && !listenSupportsReusePort()) {
      throw new Error(`listen on ${formatAddress(options.host, options.port)}: reusePort needs Node 22.12 or later (net.Server.listen has no SO_REUSEPORT before); this is Node ${process.versions.node}`);
    }
    // TLS and plaintext share the port: the core sniffs each connection's first byte and calls
    // startTls() on the TLS ones, which then run through node:tls over the accepted socket.
    let startTlsSession: StartTlsSession | null = null;
    if (options.tls != null) {
      const { serverTlsContext, TlsServerBridge } = await import("./tls-bridge.ts");
      const context = serverTlsContext(options.tls);
      startTlsSession = (raw, handler, initial) => new TlsServerBridge(raw, context, handler, initial);
    }
    const path = options.path ?? null;
    const onSocket = (socket: net.Socket): void => {
      const adapter = new NodeSocket(socket, startTlsSession, path);
      adapter.attach(accept(adapter));
    };
    const server = net.createServer(onSocket);
    // A failed accept (EMFILE, a TLS client that aborts) concerns that connection only: keep listening.
    server.on("error", () => {});
    if (path !== null) await claimSocketPath(path);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      const where = path !== null ? { path } : { host: options.host, port: options.port, ...(options.reusePort === true && { reusePort: true }) };
      server.listen(where, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return {
      port: path !== null ? 0 : (server.address() as net.AddressInfo).port,
      close: () => {
        server.close();
        if (path !== null) releaseSocketPath(path);
      },
    };
  },

  async connect(options: ConnectOptions, attach: (socket: TransportSocket) => SocketHandler): Promise<TransportSocket> {
    const { host, port, timeoutMs } = options;
    const path = options.path ?? null;
    const secure = options.tls != null;
    const where = path !== null ? { path } : { host, port };
    const socket = secure ? (await loadTls()).connect({ ...where, ...nodeTls(options.tls!) }) : net.connect(where);
    return new Promise((resolve, reject) => {
      const addr = path !== null ? `${UNIX_PREFIX}${path}` : formatAddress(host, port);
      let connected = false; // TCP is up: with TLS, a failure from now on is the handshake's
      socket.once("connect", () => (connected = true));
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(secure && connected && !(error instanceof RemotingTlsError) ? handshakeError(addr, error) : error);
      };
      // One timer per connect attempt (connects are rare; requests never get timers).
      const timer = setTimeout(() => fail(new Error(`connect to ${addr} timed out after ${timeoutMs} ms`)), timeoutMs);
      socket.once("error", fail);
      socket.once(secure ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.off("error", fail);
        const adapter = new NodeSocket(socket, null, path);
        adapter.attach(attach(adapter));
        resolve(adapter);
      });
    });
  },
};
