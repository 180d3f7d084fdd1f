import { FrameDecoder } from "../../protocol/frame-decoder.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { PendingRequest } from "../outbound/call.ts";
import type { ProcessorContext, RemotingChannel } from "../inbound/processor.ts";
import type { RemotingEndpoint } from "../endpoint/remoting-endpoint.ts";
import { decideTls, type TlsMode } from "./tls-mode.ts";
import type { SocketHandler, TransportSocket } from "../transport.ts";
import { WriteQueue } from "./write-queue.ts";

let nextConnectionId = 1;

/** A server connection's TLS rule, applied to its first byte. */
export interface TlsGate {
  mode: TlsMode;
  /** The server has a certificate and the transport can start TLS on an accepted socket. */
  canServeTls: boolean;
}

/** No frame (or TLS handshake) in progress. */
const IDLE = -1;
/** A frame (or handshake) began since the last check, which stamps the time (see observe()). */
const STARTED = -2;

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
  /** Close as soon as pendingOut falls to 0 (the client was told GO_AWAY on it). */
  closeWhenIdle = false;
  /** Inbound requests accepted for processing and not settled yet (maxPendingRequestsPerConnection). */
  pendingIn = 0;
  /** When traffic was last seen, as of the last check (observe()). */
  lastActive: number;
  /**
   * Traffic since the last check. Reading the clock for every chunk and every frame sent would cost
   * more than the checks need: activity is stamped by the periodic check instead, accurate to one
   * scanIntervalMs, which is plenty for limits measured in tens of seconds.
   */
  private activeSinceCheck = false;
  /**
   * When the frame now being received began (its first byte arrived), or the TLS handshake started;
   * IDLE when none is in progress. The scan closes the connection after frameTimeoutMs (slowloris).
   */
  frameStartedAt = IDLE;
  /** Frames decoded so far: tells a chunk that completed a frame and started the next from one that only continued it. */
  private framesIn = 0;
  /**
   * Server backpressure: frames that arrived while the write queue was over its high-water mark,
   * processed in order once it drains. Holding them (instead of answering the rest of the chunk at
   * once) keeps a peer that does not read from growing the queue by a whole chunk's worth of answers.
   */
  private held: RemotingCommand[] | null = null;
  private active = true;
  readonly remoteAddress: string;
  readonly localAddress: string;
  private readonly onFrame = (cmd: RemotingCommand): void => {
    this.framesIn++;
    if (this.held === null) this.endpoint.onCommand(this, cmd);
    else this.held.push(cmd);
  };

  constructor(
    readonly endpoint: RemotingEndpoint,
    readonly socket: TransportSocket,
    /** The address the client dialled (client side), or the peer's address (server side). */
    readonly addr: string,
    /** Server side: how to treat the first byte (TLS or plaintext); null: no sniffing. */
    private tlsGate: TlsGate | null = null,
  ) {
    this.remoteAddress = socket.remoteAddress;
    this.localAddress = socket.localAddress;
    const o = endpoint.options;
    this.decoder = new FrameDecoder({ maxFrameLength: o.maxFrameLength, maxHeaderLength: o.maxHeaderLength, lazyBodies: true });
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
    if (this.tlsGate !== null) {
      this.sniff(chunk, this.tlsGate);
      return;
    }
    this.activeSinceCheck = true;
    const queue = this.queue;
    const decoder = this.decoder;
    const framesBefore = this.framesIn;
    queue.hold();
    try {
      decoder.feed(chunk, this.onFrame);
    } catch (error) {
      this.endpoint.onConnectionError(this, error);
    } finally {
      queue.release();
    }
    if (decoder.bufferedBytes === 0) this.frameStartedAt = IDLE;
    else if (this.frameStartedAt === IDLE || this.framesIn !== framesBefore) this.frameStartedAt = STARTED;
  }

  /** The periodic check: stamps activity and frame starts seen since the last one with `now`. */
  observe(now: number): void {
    if (this.activeSinceCheck) {
      this.activeSinceCheck = false;
      this.lastActive = now;
    }
    if (this.frameStartedAt === STARTED) this.frameStartedAt = now;
  }

  /** The first bytes of a server connection: plaintext goes on here, TLS goes to the transport, or the connection is refused. */
  private sniff(chunk: Uint8Array, gate: TlsGate): void {
    if (chunk.length === 0) return;
    this.tlsGate = null;
    const decision = decideTls(gate.mode, chunk[0]!, gate.canServeTls);
    if (decision.action === "plaintext") {
      this.onData(chunk);
    } else if (decision.action === "tls") {
      this.activeSinceCheck = true;
      this.frameStartedAt = STARTED; // the handshake must finish within frameTimeoutMs
      this.socket.startTls!(chunk);
    } else {
      this.endpoint.onTlsRefused(this, decision.reason);
    }
  }

  onSecure(): void {
    this.frameStartedAt = IDLE;
  }

  onDrain(): void {
    this.queue.onDrain();
  }

  /** The write queue went over its high-water mark: stop reading, and hold what the current chunk still brings. */
  holdInput(): void {
    this.held ??= [];
    this.socket.pause();
  }

  /** The write queue drained: process the held frames (stopping if they fill it up again), then read on. */
  releaseInput(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    const queue = this.queue;
    queue.hold();
    try {
      for (let i = 0; i < held.length; i++) {
        if (this.held !== null) {
          this.held = held.slice(i).concat(this.held); // over the mark again: the rest waits, still first in line
          return;
        }
        this.endpoint.onCommand(this, held[i]!);
      }
    } finally {
      queue.release();
    }
    if (this.held === null && this.active) this.socket.resume();
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
    this.activeSinceCheck = true; // writing is activity too (Java's all-idle rule)
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

  /** An inbound request accepted for processing has settled (answered, failed or refused by a hook). */
  requestSettled(): void {
    this.pendingIn--;
  }

  /** Closes at once, dropping anything unsent. */
  destroy(): void {
    if (this.active) this.socket.destroy();
  }

  toString(): string {
    return `channel#${this.id}(${this.remoteAddress})`;
  }
}
