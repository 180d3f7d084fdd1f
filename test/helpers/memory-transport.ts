import type { ConnectOptions, ListenOptions, SocketHandler, Transport, TransportListener, TransportSocket } from "../../src/index.ts";

/**
 * An in-process transport: sockets are pairs of queues delivered on microtasks. It lets tests and
 * profiles run server and client in one process with no kernel in between, and lets a test cap how
 * many bytes a socket takes per write to force partial writes.
 */
export class MemoryTransport implements Transport {
  readonly name = "memory";
  private readonly listeners = new Map<number, (socket: TransportSocket) => SocketHandler>();
  private nextPort = 10_000;

  /** Bytes a socket accepts per write before reporting a short write (Infinity = all). */
  writeLimit = Infinity;

  async listen(options: ListenOptions, accept: (socket: TransportSocket) => SocketHandler): Promise<TransportListener> {
    const port = options.port === 0 ? this.nextPort++ : options.port;
    if (this.listeners.has(port)) throw new Error(`EADDRINUSE: port ${port}`);
    this.listeners.set(port, accept);
    return { port, close: () => this.listeners.delete(port) };
  }

  async connect(options: ConnectOptions, attach: (socket: TransportSocket) => SocketHandler): Promise<TransportSocket> {
    const accept = this.listeners.get(options.port);
    if (accept === undefined) throw new Error(`ECONNREFUSED ${options.host}:${options.port}`);
    const client = new MemorySocket(this, `${options.host}:${options.port}`, `127.0.0.1:${this.nextPort++}`);
    const server = new MemorySocket(this, client.localAddress, client.remoteAddress);
    client.peer = server;
    server.peer = client;
    server.handler = accept(server);
    client.handler = attach(client);
    return client;
  }
}

export class MemorySocket implements TransportSocket {
  readonly retainsWrittenBytes = false;
  peer: MemorySocket | null = null;
  handler: SocketHandler | null = null;
  private inbox: Uint8Array[] = [];
  private delivering = false;
  private paused = false;
  private closed = false;
  private wantsDrain = false;

  constructor(
    private readonly transport: MemoryTransport,
    readonly remoteAddress: string,
    readonly localAddress: string,
  ) {}

  write(bytes: Uint8Array): number {
    if (this.closed) return -1;
    const n = Math.min(bytes.length, this.transport.writeLimit);
    if (n < bytes.length) this.wantsDrain = true;
    if (n > 0) this.peer?.receive(bytes.slice(0, n)); // a copy, as a kernel would make
    return n;
  }

  /** Lets the writer continue after a short write (what a kernel does as the peer reads). */
  drain(): void {
    if (this.wantsDrain && !this.closed) {
      this.wantsDrain = false;
      this.handler?.onDrain();
    }
  }

  private receive(chunk: Uint8Array): void {
    this.inbox.push(chunk);
    if (!this.delivering) {
      this.delivering = true;
      queueMicrotask(() => this.deliver());
    }
  }

  private deliver(): void {
    this.delivering = false;
    while (this.inbox.length > 0 && !this.paused && !this.closed) this.handler?.onData(this.inbox.shift()!);
  }

  end(): void {
    this.close();
  }

  destroy(): void {
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    const handler = this.handler;
    this.handler = null;
    queueMicrotask(() => handler?.onClose());
    this.peer?.close();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (this.inbox.length > 0 && !this.delivering) {
      this.delivering = true;
      queueMicrotask(() => this.deliver());
    }
  }
}
