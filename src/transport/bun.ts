import type { Socket, SocketHandler as BunSocketHandler, TLSOptions as BunTlsOptions } from "bun";
import { formatAddress } from "../core/address.ts";
import type {
  ConnectOptions,
  ListenOptions,
  SocketHandler,
  TlsOptions,
  Transport,
  TransportListener,
  TransportSocket,
} from "../core/transport.ts";

/** Per-socket state Bun keeps for us (Bun.listen's handlers are shared by every socket). */
interface SocketData {
  handler: SocketHandler | null;
}

/**
 * A Bun socket as the core sees it. Bun's write is a raw send: it returns what the kernel took
 * (0 when full, -1 when closed), keeps nothing, and copies before returning, so the core may reuse
 * its batch buffer at once.
 */
class BunSocket implements TransportSocket {
  readonly retainsWrittenBytes = false;
  readonly remoteAddress: string;
  readonly localAddress: string;

  constructor(private readonly socket: Socket<SocketData>) {
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    this.localAddress = formatAddress(socket.localAddress, socket.localPort);
  }

  write(bytes: Uint8Array): number {
    return this.socket.write(bytes);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.terminate();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }
}

const handlerOf = (socket: Socket<SocketData>): SocketHandler | null => socket.data?.handler ?? null;

/**
 * Events every Bun socket shares; `open` is what differs between accepted and dialled sockets.
 * Chunks arrive as plain Uint8Arrays (Bun's typings only describe the default, Buffer).
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
      // A handler threw (the core catches its own errors, so this is a bug): do not limp on.
      socket.terminate();
    },
  };
  return h as unknown as BunSocketHandler<SocketData>;
}

function bunTls(tls: TlsOptions | null | undefined): BunTlsOptions | undefined {
  if (tls == null) return undefined;
  const { key, cert, ca, passphrase, rejectUnauthorized, requestCert, serverName } = tls;
  return { key, cert, ca, passphrase, rejectUnauthorized, requestCert, serverName } as BunTlsOptions;
}

export const bunTransport: Transport = {
  name: "bun",

  async listen(options: ListenOptions, accept: (socket: TransportSocket) => SocketHandler): Promise<TransportListener> {
    const listener = Bun.listen<SocketData>({
      hostname: options.host,
      port: options.port,
      ...(options.reusePort === true ? { reusePort: true } : {}),
      socket: handlers((socket) => {
        socket.data = { handler: null };
        socket.data.handler = accept(new BunSocket(socket));
      }),
    });
    return {
      port: listener.port,
      close: () => listener.stop(false),
    };
  },

  connect(options: ConnectOptions, attach: (socket: TransportSocket) => SocketHandler): Promise<TransportSocket> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      // One timer per connect attempt (connects are rare; requests never get timers).
      const timer = setTimeout(() => fail(new Error(`connect to ${formatAddress(options.host, options.port)} timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      const socketHandlers = handlers((socket) => {
        socket.data = { handler: null };
        if (settled) {
          socket.terminate(); // too late: the caller gave up
          return;
        }
        settled = true;
        clearTimeout(timer);
        const adapter = new BunSocket(socket);
        socket.data.handler = attach(adapter);
        resolve(adapter);
      });
      Bun.connect<SocketData>({
        hostname: options.host,
        port: options.port,
        tls: bunTls(options.tls),
        socket: {
          ...socketHandlers,
          connectError(_socket, error) {
            fail(error);
          },
        },
      }).catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
    });
  },
};
