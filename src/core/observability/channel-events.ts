import { describeValue } from "../../protocol/describe-value.ts";
import { describeError } from "./describe-error.ts";
import type { Logger } from "./logger.ts";
import type { RemotingChannel } from "../inbound/processor.ts";

/** Connection lifecycle notifications (Java's ChannelEventListener). */
export interface ChannelEventListener {
  /** Server: a connection was accepted. Client: a connection is open (onChannelActive follows at once). */
  onChannelConnect?(remoteAddr: string, channel: RemotingChannel): void;
  /** Client: the connection is established. */
  onChannelActive?(remoteAddr: string, channel: RemotingChannel): void;
  /** The connection closed, whoever closed it; the last event of a connection. */
  onChannelClose?(remoteAddr: string, channel: RemotingChannel): void;
  /** The connection was idle for channelMaxIdleMs and has been closed. */
  onChannelIdle?(remoteAddr: string, channel: RemotingChannel): void;
  /**
   * The core is closing the connection because the peer broke the protocol or a limit (a bad frame
   * or header, maxFrameLength, maxHeaderLength, frameTimeoutMs, a PROXY header, tlsMode), or its TLS
   * handshake failed; `error` says why. onChannelClose follows. (A plain reset or end by the peer
   * is only a close.)
   */
  onChannelException?(remoteAddr: string, channel: RemotingChannel, error?: Error): void;
}

const LISTENER_METHODS = ["onChannelConnect", "onChannelActive", "onChannelClose", "onChannelIdle", "onChannelException"] as const;

/** Refuses a listener that is neither null nor an object whose on* members, where present, are functions. */
export function checkChannelEventListener(listener: unknown): void {
  if (listener === null) return;
  if (typeof listener !== "object") throw new TypeError(`setChannelEventListener: expected an object with on* methods (${LISTENER_METHODS.join(", ")}) or null, got ${describeValue(listener)}`);
  for (const name of LISTENER_METHODS) {
    const method = (listener as Record<string, unknown>)[name];
    if (method !== undefined && typeof method !== "function") throw new TypeError(`setChannelEventListener: ${name} must be a function, got ${describeValue(method)}`);
  }
}

/** The kinds of channel events, by the listener method each is delivered to (CONNECT: onChannelConnect...). */
export type ChannelEventType = "CONNECT" | "ACTIVE" | "CLOSE" | "IDLE" | "EXCEPTION";

interface ChannelEvent {
  type: ChannelEventType;
  remoteAddr: string;
  channel: RemotingChannel;
  error?: Error;
}

/**
 * Delivers channel events to the listener off the I/O path: events are queued and handed over in
 * order on a later timer tick. The queue is bounded (Java drops past 10 000 too); drops are
 * counted and logged, because a lost CLOSE can leak the listener's per-connection state.
 */
export class ChannelEventQueue {
  private listener: ChannelEventListener | null = null;
  private queue: ChannelEvent[] = [];
  private scheduled = false;
  dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly logger: Logger,
  ) {}

  setListener(listener: ChannelEventListener | null): void {
    this.listener = listener;
  }

  get hasListener(): boolean {
    return this.listener !== null;
  }

  emit(type: ChannelEventType, remoteAddr: string, channel: RemotingChannel, error?: Error): void {
    if (this.listener === null) return;
    if (this.queue.length >= this.capacity) {
      if (this.dropped++ % 1000 === 0) this.logger.warn(`channel event queue full (${this.capacity}); dropped ${type} for ${remoteAddr} (${this.dropped} dropped so far)`);
      return;
    }
    this.queue.push({ type, remoteAddr, channel, error });
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.deliver(), 0);
    }
  }

  /** Delivers what is queued now (shutdown: no event is left to arrive after it resolved). */
  flush(): void {
    if (this.queue.length > 0) this.deliver();
  }

  private deliver(): void {
    this.scheduled = false;
    const events = this.queue;
    this.queue = [];
    const listener = this.listener;
    if (listener === null) return;
    for (const e of events) {
      try {
        switch (e.type) {
          case "CONNECT":
            listener.onChannelConnect?.(e.remoteAddr, e.channel);
            break;
          case "ACTIVE":
            listener.onChannelActive?.(e.remoteAddr, e.channel);
            break;
          case "CLOSE":
            listener.onChannelClose?.(e.remoteAddr, e.channel);
            break;
          case "IDLE":
            listener.onChannelIdle?.(e.remoteAddr, e.channel);
            break;
          case "EXCEPTION":
            listener.onChannelException?.(e.remoteAddr, e.channel, e.error);
            break;
        }
      } catch (error) {
        this.logger.warn(`channel event listener threw on ${e.type} for ${e.remoteAddr}: ${describeError(error)}`, error);
      }
    }
  }
}
