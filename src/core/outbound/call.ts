import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { Connection } from "../connection/connection.ts";
import type { Permits } from "./permits.ts";
import type { InvokeTraceContext } from "../observability/trace-context.ts";

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
 *
 * Objects are recycled (see PendingPool): with many calls in flight, every eden collection would
 * otherwise find a thousand of them alive, promote them, and leave them to die in the old
 * generation, which then needs frequent full collections. Fields are therefore set by init().
 */
export class PendingRequest {
  state = PendingState.Connecting;
  conn: Connection | null = null;
  /** Permit to give back exactly once when settled (null when none, or given back). */
  permits: Permits | null = null;
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
  opaque = 0;
  request: RemotingCommand = null as unknown as RemotingCommand;
  /** Absolute deadline on the endpoint's clock. */
  deadline = 0;
  timeoutMs = 0;
  /** The address the caller asked for (for error messages), or the channel's remote address. */
  addr = "";
  oneway = false;
  callback: InvokeCallback = null as unknown as InvokeCallback;

  init(opaque: number, request: RemotingCommand, deadline: number, timeoutMs: number, addr: string, oneway: boolean, callback: InvokeCallback, permits: Permits | null): this {
    this.state = PendingState.Connecting;
    this.opaque = opaque;
    this.request = request;
    this.deadline = deadline;
    this.timeoutMs = timeoutMs;
    this.addr = addr;
    this.oneway = oneway;
    this.callback = callback;
    this.permits = permits;
    return this;
  }

  releasePermit(): void {
    const permits = this.permits;
    if (permits !== null) {
      this.permits = null;
      permits.release();
    }
  }
}

/** Most recycled objects kept; beyond this they are left to the collector. */
const POOL_MAX = 4096;

/**
 * Recycles PendingRequests. Only a call answered normally is recycled: at that point the response
 * table has let go of it, it is in no stalled or connect-waiting list (it was sent), and the
 * caller's callback has returned; a call that failed or timed out may still sit in such a list,
 * so it is never reused.
 */
export class PendingPool {
  private readonly free: PendingRequest[] = [];

  take(): PendingRequest {
    return this.free.pop() ?? new PendingRequest();
  }

  recycle(p: PendingRequest): void {
    if (this.free.length >= POOL_MAX) return;
    p.state = PendingState.Done;
    p.conn = null;
    p.permits = null;
    p.sentAt = 0;
    p.sync = false;
    p.nameServerAttempts = -1;
    p.goAwayRetried = false;
    p.trace = null;
    p.request = null as unknown as RemotingCommand;
    p.callback = null as unknown as InvokeCallback;
    this.free.push(p);
  }
}
