import { FrameDecoder } from "../protocol/frame-decoder.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import type { PendingRequest } from "./pending-request.ts";
import type { ProcessorContext, RemotingChannel } from "./processor.ts";
import type { RemotingEndpoint } from "./remoting-endpoint.ts";
import type { SocketHandler, TransportSocket } from "./transport.ts";
import { WriteQueue } from "./write-queue.ts";

let nextConnectionId = 1;

/**
 * One socket and everything the core keeps for it: its frame decoder, its write queue, and the
 * outbound calls waiting for it to drain. It is the channel handed to processors and listeners.
 */
export class Connection implements SocketHandler, RemotingChannel, ProcessorContext {
  readonly id = nextConnectionId++;
  readonly decoder: FrameDecoder;
  readonly queue: WriteQueue;
  /** Outbound calls that wait for the write queue to become writable, in order. */
  stalled: PendingRequest[] = [];
  /** Outbound calls sent on this connection and not yet answered. */
  pendingOut = 0;
  lastActive: number;
  private active = true;
  readonly remoteAddress: string;
  readonly localAddress: string;
  private readonly onFrame = (cmd: RemotingCommand): void => this.endpoint.onCommand(this, cmd);

  constructor(
    readonly endpoint: RemotingEndpoint,
    readonly socket: TransportSocket,
    /** The address the client dialled (client side), or the peer's address (server side). */
    readonly addr: string,
  ) {
    this.remoteAddress = socket.remoteAddress;
    this.localAddress = socket.localAddress;
    this.decoder = new FrameDecoder({ maxFrameLength: endpoint.options.maxFrameLength, lazyBodies: true });
    this.queue = new WriteQueue(
      socket,
      {
        highWaterMark: endpoint.options.writeBufferHighWaterMark,
        lowWaterMark: endpoint.options.writeBufferLowWaterMark,
        maxFrameLength: endpoint.options.maxFrameLength,
      },
      (writable) => endpoint.onWritabilityChange(this, writable),
    );
    this.lastActive = endpoint.now();
  }

  get channel(): RemotingChannel {
    return this;
  }

  get isActive(): boolean {
    return this.active;
  }

  onData(chunk: Uint8Array): void {
    if (!this.active) return;
    this.lastActive = this.endpoint.now();
    const queue = this.queue;
    queue.hold();
    try {
      this.decoder.feed(chunk, this.onFrame);
    } catch (error) {
      this.endpoint.onConnectionError(this, error);
    } finally {
      queue.release();
    }
  }

  onDrain(): void {
    this.queue.onDrain();
  }

  onClose(error?: Error): void {
    if (!this.active) return;
    this.active = false;
    this.queue.close();
    this.endpoint.onConnectionClosed(this, error);
  }

  /** Queues a command for sending; throws RemotingCommandError if it cannot be encoded or is too large. */
  send(cmd: RemotingCommand): void {
    this.queue.enqueue(cmd);
    this.lastActive = this.endpoint.now(); // writing is activity too (Java's all-idle rule)
  }

  writeResponse(request: RemotingCommand, response: RemotingCommand): void {
    this.endpoint.writeResponse(this, request, response);
  }

  /** Sends what is queued, then closes (FIN). */
  close(): void {
    if (!this.active) return;
    this.queue.flush();
    this.socket.end();
  }

  /** Closes at once, dropping anything unsent. */
  destroy(): void {
    if (this.active) this.socket.destroy();
  }

  toString(): string {
    return `channel#${this.id}(${this.remoteAddress})`;
  }
}
