import type { RemotingCommand } from "../protocol/remoting-command.ts";
import type { Connection } from "./connection.ts";
import type { Permits } from "./permits.ts";
import type { InvokeTraceContext } from "./trace-context.ts";

export type InvokeCallback = (error: Error | null, response?: RemotingCommand) => void;

/** Where an outbound request is in its life. */
export const enum PendingState {
  /** Waiting for its connection to open. */
  Connecting,
  /** Waiting for its connection's write queue to drop below the low-water mark. */
  Stalled,
  /** On the wire; waiting for the response. */
  Sent,
  /** Settled: answered, failed or timed out. */
  Done,
}

/**
 * One outbound request from invoke to settlement (Java's ResponseFuture). It sits in the response
 * table from the moment of invoke, so its deadline runs while connecting or stalled too.
 */
export class PendingRequest {
  state = PendingState.Connecting;
  conn: Connection | null = null;
  /** Permit to give back exactly once when settled (null when none, or given back). */
  permits: Permits | null;
  /** When it went on the wire (client close-on-timeout rule). */
  sentAt = 0;
  /** invokeSync (the only kind whose timeout may close the connection, as in Java). */
  sync = false;
  /** Name-server calls: how many name servers were tried; -1 for calls to a fixed address. */
  nameServerAttempts = -1;
  /** Re-sent once after a GO_AWAY; a second GO_AWAY fails the call. */
  goAwayRetried = false;
  /** The diagnostics_channel context, when someone traces invokes. */
  trace: InvokeTraceContext | null = null;

  constructor(
    readonly opaque: number,
    readonly request: RemotingCommand,
    /** Absolute deadline on the endpoint's clock. */
    readonly deadline: number,
    readonly timeoutMs: number,
    /** The address the caller asked for (for error messages), or the channel's remote address. */
    public addr: string,
    readonly oneway: boolean,
    readonly callback: InvokeCallback,
    permits: Permits | null,
  ) {
    this.permits = permits;
  }

  releasePermit(): void {
    const permits = this.permits;
    if (permits !== null) {
      this.permits = null;
      permits.release();
    }
  }
}
