import type { ConnectOptions, ListenOptions, SocketHandler, Transport, TransportListener, TransportSocket } from "../../src/index.ts";

/**
 * An in-process transport: sockets are pairs of queues delivered on microtasks. It lets tests and
 * profiles run server and client in one process with no kernel in between, and lets a test cap how
 * many bytes a socket takes per write to force partial writes.
 *
 * Kernel emulation (all off by default, so the plain behaviour is unchanged):
 * - `writeLimit`: bytes a socket takes per write (short writes).
 * - `bufferLimit`: unread bytes a socket's peer may hold (its "receive + send buffers"); writes
 *   beyond it are refused, as a kernel refuses writes to a peer that does not read.
 * - `autoDrain`: after a short write, the writer gets `onDrain` on a later macrotask once there is
 *   room again (what the kernel's EPOLLOUT does); without it a test calls `socket.drain()` itself.
 * - `connectDelayMs`: connects take this long (Infinity = never complete), but are rejected after
 *   the caller's `timeoutMs` like a real transport's.
 */
export class MemoryTransport implements Transport {
  readonly name = "memory";
  private readonly listeners = new Map<number, (socket: TransportSocket) => SocketHandler>();
  private nextPort = 10_000;

  /** Bytes a socket accepts per write before reporting a short write (Infinity = all). */
  writeLimit = Infinity;
  /** Unread bytes a socket's peer may hold before writes are refused (Infinity = no limit). */
  bufferLimit = Infinity;
  /** Emulate the kernel: call onDrain after a short write once there is room again. */
  autoDrain = false;
  /** How long a connect takes; Infinity never completes (it is rejected at its timeoutMs). */
  connectDelayMs = 0;
  /** Every socket created, client ends and server ends. */
  readonly sockets: MemorySocket[] = [];
  /** Every connect() call, with the options it got. */
  readonly connectCalls: ConnectOptions[] = [];

  async listen(options: ListenOptions, accept: (socket: TransportSocket) => SocketHandler): Promise<TransportListener> {
    const port = options.port === 0 ? this.nextPort++ : options.port;
    if (this.listeners.has(port)) throw new Error(`EADDRINUSE: port ${port}`);
    this.listeners.set(port, accept);
    return { port, close: () => this.listeners.delete(port) };
  }

  async connect(options: ConnectOptions, attach: (socket: TransportSocket) => SocketHandler): Promise<TransportSocket> {
    this.connectCalls.push(options);
    if (this.connectDelayMs > 0) {
      const delay = this.connectDelayMs;
      await new Promise<void>((resolve, reject) => {
        const fail = setTimeout(() => reject(new Error(`connect to ${options.host}:${options.port} timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
        if (Number.isFinite(delay)) {
          setTimeout(() => {
            clearTimeout(fail);
            resolve();
          }, delay);
        }
      });
    }
    const accept = this.listeners.get(options.port);
    if (accept === undefined) throw new Error(`ECONNREFUSED ${options.host}:${options.port}`);
    const client = new MemorySocket(this, "client", `${options.host}:${options.port}`, `127.0.0.1:${this.nextPort++}`);
    const server = new MemorySocket(this, "server", client.localAddress, client.remoteAddress);
    client.peer = server;
    server.peer = client;
    this.sockets.push(client, server);
    server.handler = accept(server);
    client.handler = attach(client);
    return client;
  }

  /** The sockets of one side. */
  side(side: "client" | "server"): MemorySocket[] {
    return this.sockets.filter((s) => s.side === side);
  }
}

export class MemorySocket implements TransportSocket {
  readonly retainsWrittenBytes = false;
  peer: MemorySocket | null = null;
  handler: SocketHandler | null = null;
  private inbox: Uint8Array[] = [];
  /** Bytes received and not yet handed to the handler (the peer's view of our buffers). */
  inboxBytes = 0;
  private delivering = false;
  private paused = false;
  private closed = false;
  private wantsDrain = false;
  private drainScheduled = false;
  /** How often pause() / resume() were called (server backpressure). */
  pauseCount = 0;
  resumeCount = 0;
  /** Bytes this socket took from its writer, and how many writes it saw. */
  bytesWritten = 0;
  writes = 0;
  shortWrites = 0;

  constructor(
    private readonly transport: MemoryTransport,
    readonly side: "client" | "server",
    readonly remoteAddress: string,
    readonly localAddress: string,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(bytes: Uint8Array): number {
    if (this.closed) return -1;
    this.writes++;
    let n = Math.min(bytes.length, this.transport.writeLimit);
    const peer = this.peer;
    if (peer !== null) n = Math.min(n, Math.max(0, this.transport.bufferLimit - peer.inboxBytes));
    if (n < bytes.length) {
      this.wantsDrain = true;
      this.shortWrites++;
      if (this.transport.autoDrain) this.scheduleDrain();
    }
    if (n > 0) {
      this.bytesWritten += n;
      peer?.receive(bytes.slice(0, n)); // a copy, as a kernel would make
    }
    return n;
  }

  /** Lets the writer continue after a short write (what a kernel does as the peer reads). */
  drain(): void {
    if (this.wantsDrain && !this.closed) {
      this.wantsDrain = false;
      this.handler?.onDrain();
    }
  }

  /** Room in the peer's buffer again: drain on a later macrotask, as epoll would report it. */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      if (!this.wantsDrain || this.closed) return;
      const peer = this.peer;
      if (peer !== null && peer.inboxBytes >= this.transport.bufferLimit) return; // still full: the peer's reads reschedule
      this.drain();
    });
  }

  private receive(chunk: Uint8Array): void {
    this.inbox.push(chunk);
    this.inboxBytes += chunk.length;
    if (!this.delivering) {
      this.delivering = true;
      queueMicrotask(() => this.deliver());
    }
  }

  private deliver(): void {
    this.delivering = false;
    let consumed = false;
    while (this.inbox.length > 0 && !this.paused && !this.closed) {
      const chunk = this.inbox.shift()!;
      this.inboxBytes -= chunk.length;
      consumed = true;
      this.handler?.onData(chunk);
    }
    // The writer on the other end may go on now.
    if (consumed && this.transport.autoDrain && this.peer !== null && this.peer.wantsDrain) this.peer.scheduleDrain();
  }

  end(): void {
    this.close(false);
  }

  destroy(): void {
    this.close(false);
  }

  /**
   * Closes this end. A local close discards what this end has not read; a close by the peer
   * (`byPeer`) first hands over what had already arrived, as a kernel delivers data before the FIN.
   */
  private close(byPeer: boolean): void {
    if (this.closed) return;
    this.closed = true;
    const handler = this.handler;
    this.handler = null;
    const rest = byPeer && !this.paused ? this.inbox : [];
    this.inbox = [];
    this.inboxBytes = 0;
    queueMicrotask(() => {
      for (const chunk of rest) handler?.onData(chunk);
      handler?.onClose();
    });
    this.peer?.close(true);
  }

  pause(): void {
    this.pauseCount++;
    this.paused = true;
  }

  resume(): void {
    this.resumeCount++;
    this.paused = false;
    if (this.inbox.length > 0 && !this.delivering) {
      this.delivering = true;
      queueMicrotask(() => this.deliver());
    }
  }
}
