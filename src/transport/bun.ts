import type { Socket, SocketHandler as BunSocketHandler, TLSOptions as BunTlsOptions } from "bun";
import { formatAddress, UNIX_PREFIX } from "../core/address.ts";
import type {
  ClientTlsOptions,
  ConnectOptions,
  ListenOptions,
  SocketHandler,
  Transport,
  TransportListener,
  TransportSocket,
} from "../core/transport.ts";
import { RemotingTlsError } from "../errors.ts";
import { serverTlsContext, TlsServerBridge, type RawSocket, type ServerTlsContext } from "./tls-bridge.ts";
import { claimSocketPath, releaseSocketPath } from "./unix-socket-file.ts";
import { threadHasSpareCpu } from "./cpu-share.ts";

/**
 * Bodies up to this size are handed out as copies, not views, of Bun's chunks. A view makes Bun
 * give the chunk its ArrayBuffer object, 0.5-2 µs per chunk: as much as the rest of a small
 * request, paid per request when requests come one at a time. A 64-byte copy also costs less than
 * a view even where the chunk has one (31 against 48 ns; equal at 256 bytes).
 */
const COPY_BODIES_UP_TO = 256;

/** Per-socket state Bun keeps for us (Bun.listen's handlers are shared by every socket). */
interface SocketData {
  handler: SocketHandler | null;
}

/**
 * A Bun socket as the core sees it. Bun's write is a raw send: it returns what the kernel took
 * (0 when full, -1 when closed), keeps nothing, and copies before returning, so the core may reuse
 * its batch buffer at once. After startTls() the same object speaks through the TLS bridge.
 */
class BunSocket implements TransportSocket {
  readonly retainsWrittenBytes = false;
  readonly splitLongBatches = threadHasSpareCpu;
  readonly copyBodiesUpTo = COPY_BODIES_UP_TO;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly startTls?: (initial: Uint8Array) => void;
  /** Where the core's calls go: the raw socket, or after startTls() the TLS bridge over it. */
  private sink: RawSocket;

  constructor(
    private readonly socket: Socket<SocketData>,
    /** The listener's TLS material: accepted sockets may then continue as TLS servers. */
    serverTls: ServerTlsContext | null = null,
    /** A unix domain socket's path: both ends are then named by it. */
    unixPath: string | null = null,
  ) {
    this.sink = rawSocket(socket);
    this.remoteAddress = unixPath !== null ? `${UNIX_PREFIX}${unixPath}` : addressOf(socket.remoteAddress, socket.remotePort);
    this.localAddress = unixPath !== null ? this.remoteAddress : addressOf(socket.localAddress, socket.localPort);
    if (serverTls !== null) this.startTls = (initial) => this.upgrade(serverTls, initial);
  }

  write(bytes: Uint8Array): number {
    return this.sink.write(bytes);
  }

  end(): void {
    this.sink.end();
  }

  destroy(): void {
    this.sink.destroy();
  }

  pause(): void {
    this.sink.pause();
  }

  resume(): void {
    this.sink.resume();
  }

  /** From now on the raw socket's events go to the bridge, and the bridge reports to the core's handler. */
  private upgrade(context: ServerTlsContext, initial: Uint8Array): void {
    const data = this.socket.data;
    if (this.sink instanceof TlsServerBridge || data.handler === null) return;
    const bridge = new TlsServerBridge(this.sink, context, data.handler, initial);
    this.sink = bridge;
    data.handler = bridge;
  }
}

/** A socket reset before its `open` ran has no addresses any more (Bun gives undefined). */
function addressOf(host: string | undefined, port: number | undefined): string {
  return host === undefined ? "unknown:0" : formatAddress(host, port ?? 0);
}

/** The raw socket under the RawSocket contract (Bun's write already has it). */
function rawSocket(socket: Socket<SocketData>): RawSocket {
  return {
    write: (bytes) => socket.write(bytes),
    end: () => socket.end(),
    destroy: () => socket.terminate(),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}

const handlerOf = (socket: Socket<SocketData>): SocketHandler | null => socket.data?.handler ?? null;

/**
 * Events every Bun socket shares; `open` is what differs between accepted and dialled sockets.
 * Chunks arrive as Buffers (the cheapest for Bun to hand over); the bodies handed to users are
 * nevertheless plain Uint8Arrays (see ReceivedCommand), small ones copied (COPY_BODIES_UP_TO).
 */
function handlers(open: (socket: Socket<SocketData>) => void): BunSocketHandler<SocketData> {
  const h: BunSocketHandler<SocketData, "uint8array"> = {
    binaryType: "buffer",
    open,
    data(socket, chunk) {
      handlerOf(socket)?.onData(chunk);
    },
    drain(socket) {
      handlerOf(socket)?.onDrain();
    },
    close(socket, error) {
      const handler = handlerOf(socket);
      if (handler === null) return;
      socket.data.handler = null;
      handler.onClose(error);
    },
    error(socket) {
      // A TLS failure, or a handler threw (the core catches its own errors, so a bug): do not limp on.
      socket.terminate();
    },
  };
  return h as unknown as BunSocketHandler<SocketData>;
}

/**
 * Bun's client TLS options. rejectUnauthorized is always spelled out: verification is on unless the
 * caller turned it off, whatever NODE_TLS_REJECT_UNAUTHORIZED says (and Bun treats an empty `tls: {}`
 * as no TLS at all).
 */
function bunClientTls(tls: ClientTlsOptions): BunTlsOptions {
  const { key, cert, ca, passphrase, serverName } = tls;
  return { key, cert, ca, passphrase, serverName, rejectUnauthorized: tls.rejectUnauthorized !== false } as BunTlsOptions;
}

/** Why a client handshake failed, from Bun's handshake(success, authorizationError) report. */
function handshakeFailure(addr: string, success: boolean, authorizationError: Error | null, verify: boolean): RemotingTlsError | null {
  if (success && (authorizationError === null || !verify)) return null;
  const why = (authorizationError as { code?: string } | null)?.code ?? authorizationError?.message ?? "handshake failed";
  return new RemotingTlsError(`TLS handshake with ${addr} failed: ${why}`, { cause: authorizationError ?? undefined });
}

/** Sockets on Bun.listen / Bun.connect (TLS included): the default transport of the package root under Bun. */
export const bunTransport: Transport = {
  name: "bun",

  async listen(options: ListenOptions, accept: (socket: TransportSocket) => SocketHandler): Promise<TransportListener> {
    const tls = options.tls == null ? null : serverTlsContext(options.tls);
    const path = options.path ?? null;
    const socket = handlers((raw) => {
      raw.data = { handler: null };
      raw.data.handler = accept(new BunSocket(raw, tls, path));
    });
    if (path !== null) {
      await claimSocketPath(path);
      const listener = Bun.listen<SocketData>({ unix: path, socket });
      return {
        port: 0,
        close: () => {
          listener.stop(false);
          releaseSocketPath(path);
        },
      };
    }
    const listener = Bun.listen<SocketData>({
      hostname: options.host,
      port: options.port,
      ...(options.reusePort === true ? { reusePort: true } : {}),
      socket,
    });
    return {
      port: listener.port,
      close: () => listener.stop(false),
    };
  },

  connect(options: ConnectOptions, attach: (socket: TransportSocket) => SocketHandler): Promise<TransportSocket> {
    return new Promise((resolve, reject) => {
      const path = options.path ?? null;
      const addr = path !== null ? `${UNIX_PREFIX}${path}` : formatAddress(options.host, options.port);
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      // One timer per connect attempt (connects are rare; requests never get timers).
      const timer = setTimeout(() => fail(new Error(`connect to ${addr} timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      const ready = (socket: Socket<SocketData>): void => {
        if (settled) {
          socket.terminate(); // too late: the caller gave up
          return;
        }
        settled = true;
        clearTimeout(timer);
        const adapter = new BunSocket(socket, null, path);
        try {
          socket.data.handler = attach(adapter);
        } catch (error) {
          socket.terminate();
          reject(error);
          return;
        }
        resolve(adapter);
      };
      const tls = options.tls ?? null;
      // With TLS, `open` comes before the handshake and writes would return 0: the core gets the
      // socket only once the handshake (and the certificate check) succeeded.
      const socketHandlers = handlers((socket) => {
        socket.data = { handler: null };
        if (tls === null) ready(socket);
      });
      if (tls !== null) {
        socketHandlers.handshake = (socket, success, authorizationError) => {
          const failure = handshakeFailure(addr, success, authorizationError, tls.rejectUnauthorized !== false);
          if (failure === null) {
            ready(socket);
          } else {
            fail(failure);
            socket.terminate();
          }
        };
      }
      const common = {
        tls: tls === null ? undefined : bunClientTls(tls),
        socket: {
          ...socketHandlers,
          close(socket: Socket<SocketData>, error?: Error) {
            fail(error ?? (tls === null ? new Error(`connection to ${addr} closed while connecting`) : new RemotingTlsError(`connection to ${addr} closed during the TLS handshake`)));
            socketHandlers.close?.(socket, error);
          },
          connectError(_socket: Socket<SocketData>, error: Error) {
            fail(error);
          },
        },
      };
      const connecting = path !== null ? Bun.connect<SocketData>({ unix: path, ...common }) : Bun.connect<SocketData>({ hostname: options.host, port: options.port, ...common });
      connecting.catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
    });
  },
};
