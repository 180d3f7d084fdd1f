import type { RemotingError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { Connection } from "../connection/connection.ts";
import type { InvokeTraceContext } from "../observability/trace-context.ts";
import type { CodeCounters } from "../observability/traffic-stats.ts";
import type { LinkedList, ListNode } from "../util/linked-list.ts";
import type { Permits } from "./permits.ts";
import type { AbortSignalLike } from "../signal.ts";

/** Called exactly once with the outcome of a call: a RemotingError, or the response (none for a oneway call). */
export type InvokeCallback = (error: RemotingError | null, response?: RemotingCommand) => void;

/** Where an outbound call is in its life. */
export const enum CallState {
  /** Waiting for its connection to open (or for a name server to be chosen). */
  Connecting,
  /** Waiting for its connection's write queue to drop below the low-water mark. */
  Stalled,
  /** On the wire; waiting for the response. */
  Sent,
  /** Settled: answered, failed, timed out or aborted. */
  Done,
}

export const enum CallKind {
  Sync,
  Async,
  Oneway,
}

/** The end of one turn's synchronous code, shared by the calls made in it (see OutboundCalls.start). */
export class TurnEnd {
  static readonly none = new TurnEnd();
  /** When it ended (a fresh clock read); NaN until then. */
  at = NaN;
  /** The shortest timeout of its calls: the scan is armed for the first deadline. */
  shortestTimeoutMs = Infinity;
}

/**
 * One outbound call from invoke to settlement (Java's ResponseFuture). It sits in the response table
 * from the moment of invoke, so its deadline runs while connecting or stalled too, and in at most
 * one waiting list (a connect's, or a connection's stalled calls), which it leaves the moment it
 * ends. Only OutboundCalls changes it.
 *
 * Objects are recycled: with many calls in flight, every eden collection would otherwise find a
 * thousand of them alive, promote them, and leave them to die in the old generation.
 */
export class Call implements ListNode<Call> {
  prev: Call | null = null;
  next: Call | null = null;
  list: LinkedList<Call> | null = null;
  state = CallState.Connecting;
  kind = CallKind.Async;
  conn: Connection | null = null;
  /** The permit to give back when settled (null when none, or given back). */
  permits: Permits | null = null;
  opaque = 0;
  /** The command to send; let go of (with its body) when the call ends. */
  request: RemotingCommand | null = null;
  code = 0;
  /** Its request code's stats (null when stats are off), where its outcome is counted. */
  counters: CodeCounters | null = null;
  /** When the call was made, on the coarse clock (for stats). */
  startedAt = 0;
  /** When the synchronous code that made the call ended: its deadline counts from there. */
  turnEnd = TurnEnd.none;
  timeoutMs = 0;
  /** When it went on the wire (client close-on-timeout rule); 0 before. */
  sentAt = 0;
  /** The address the caller asked for (for error messages), or the channel's remote address. */
  addr = "";
  callback: InvokeCallback | null = null;
  /** The signal that can abort it (OutboundCalls watches it), or null. */
  signal: AbortSignalLike | null = null;
  /** Name-server calls: how many name servers were tried; -1 for calls to a fixed address. */
  nameServerAttempts = -1;
  /** Re-sent once after a GO_AWAY; a second GO_AWAY fails the call. */
  goAwayRetried = false;
  /** The diagnostics_channel context, when someone traces invokes. */
  trace: InvokeTraceContext | null = null;
  /** Where the call was made (option captureCallSites), for its error's stack. */
  site: Error | null = null;

  /** Its absolute deadline: NaN (not due) until the turn that made it ends. */
  get deadline(): number {
    return this.turnEnd.at + this.timeoutMs;
  }

  get oneway(): boolean {
    return this.kind === CallKind.Oneway;
  }
}
