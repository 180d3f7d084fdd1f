import {
  RemotingAbortedError,
  RemotingError,
  RemotingSendRequestError,
  RemotingTimeoutError,
  RemotingTooMuchRequestError,
} from "../../errors.ts";
import { RPC_ONEWAY, RPC_TYPE_RESPONSE } from "../../protocol/flags.ts";
import { nextOpaque, stampRequest, type RemotingCommand } from "../../protocol/remoting-command.ts";
import { RemotingSysResponseCode, ResponseCode } from "../../protocol/response-code.ts";
import type { Connection } from "../connection/connection.ts";
import { describeError } from "../observability/describe-error.ts";
import { LogThrottle } from "../observability/log-throttle.ts";
import type { Logger } from "../observability/logger.ts";
import type { InvokeTraceContext } from "../observability/trace-context.ts";
import type { TrafficCounters } from "../observability/traffic-stats.ts";
import { invokeChannel, isTraced, traceInvokeOutcome, traceInvokeStart } from "../observability/tracing.ts";
import type { EndpointOptions } from "../options.ts";
import type { RpcHooks } from "../rpc-hook.ts";
import { LinkedList } from "../util/linked-list.ts";
import { Call, CallKind, CallState, TurnEnd, type InvokeCallback } from "./call.ts";
import { Permits } from "./permits.ts";
import { ResponseTable } from "./response-table.ts";
import type { AbortSignalLike } from "../signal.ts";
import { AbortWatch } from "./abort-watch.ts";
import { atTurnEnd } from "../time/turn-end.ts";

/** Appends the frames of the call's invoke to `error`'s stack (the library's own frames say little). */
function appendCallSite(error: Error, site: Error): void {
  const frames = site.stack?.split("\n").slice(1).join("\n");
  if (frames) error.stack = `${error.stack ?? `${error.name}: ${error.message}`}\n    --- the call was made at ---\n${frames}`;
}

/** The calls waiting for `conn` to drain (kept on the connection, see Connection.stalled). */
function stalledOf(conn: Connection): LinkedList<Call> | null {
  return conn.stalled as unknown as LinkedList<Call> | null;
}

/** Most recycled Call objects kept; beyond this they are left to the collector. */
const POOL_MAX = 4096;

export interface OutboundParts {
  readonly role: "server" | "client";
  readonly options: EndpointOptions;
  readonly logger: Logger;
  readonly hooks: RpcHooks;
  readonly invoked: TrafficCounters;
  /** A fresh clock read (deadlines count from it, see OutboundCalls.start). */
  readonly now: () => number;
  readonly coarseNow: () => number;
  /** Makes sure the scan runs by `at` (a new deadline). */
  readonly armScan: (at: number) => void;
  /** Client: a GO_AWAY answer; true when it was handled (the call was put back with requeue()). */
  readonly onGoAway?: (call: Call, response: RemotingCommand) => boolean;
  /** Client: a call timed out (the close-on-timeout rule). */
  readonly onTimeout?: (call: Call) => void;
}

/**
 * Every call this endpoint makes, from invoke to settlement (Java's invoke*Impl and responseTable):
 * permits, opaques, the response table, the calls stalled behind an unwritable connection,
 * deadlines, cancellation and the caller's callback. A call ends in `finish`, whatever ends it,
 * which takes it out of every table and list it is in, gives back its permit and lets go of its
 * request and body.
 */
export class OutboundCalls {
  readonly table = new ResponseTable();
  readonly asyncPermits: Permits;
  readonly onewayPermits: Permits;
  private readonly pool: Call[] = [];
  /** Warnings a peer can trigger at will (answers to opaques it was never sent) are rate-limited. */
  private readonly peerWarnings = new LogThrottle();
  /**
   * The last opaque given to a call. Calls take theirs from this endpoint's own counter, not the
   * process-wide one that createRequest also draws from: the live opaques then stay consecutive,
   * which the response table's direct slots rely on.
   */
  private lastOpaque = nextOpaque();
  /** Invokes running now (see enterInvoke): more than one when a callback or a processor invokes from within one. */
  private invoking = 0;
  /** The end of this turn's synchronous code, once it has made a call (see start). */
  private turn: TurnEnd | null = null;
  private readonly endTurn = (): void => {
    const turn = this.turn!;
    this.turn = null;
    turn.at = this.parts.now();
    this.parts.armScan(turn.at + turn.shortestTimeoutMs);
  };
  private readonly captureCallSites: boolean;
  /** Calls by the signal that can abort them (one listener per signal). */
  private readonly aborts = new AbortWatch<Call>((call, signal) => {
    if (call.signal === signal) this.finish(call, new RemotingAbortedError(call.addr, { cause: signal.reason }));
  });

  constructor(private readonly parts: OutboundParts) {
    this.asyncPermits = new Permits(parts.options.asyncSemaphoreValue);
    this.onewayPermits = new Permits(parts.options.onewaySemaphoreValue);
    this.captureCallSites = parts.options.captureCallSites;
  }

  /**
   * Registers a call: a permit, a fresh opaque (the opaque belongs to the invocation, so a command
   * object may be reused for any kind of invoke), its deadline. Returns null after failing the
   * callback at once (no permit free, or the signal is already aborted).
   *
   * The deadline is `timeoutMs` after the end of the synchronous code that made the call: one clock
   * read per turn, at its end, for all the calls the turn made. It is never early, not even after a
   * turn that ran long before the call (as the turn's cached clock would make it); it is late by as
   * much of the turn as ran after the call. A clock read per call cost a fifth of a pipelined call.
   */
  start(request: RemotingCommand, timeoutMs: number, signal: AbortSignalLike | null, addr: string, kind: CallKind, callback: InvokeCallback): Call | null {
    const parts = this.parts;
    const counters = parts.invoked.count(request.code); // stats
    const trace = isTraced(invokeChannel) ? traceInvokeStart(parts.role, addr, request, kind === CallKind.Oneway, timeoutMs) : null;
    const oneway = kind === CallKind.Oneway;
    const permits = oneway ? this.onewayPermits : this.asyncPermits;
    let refusal: RemotingError | null = null;
    if (signal?.aborted === true) {
      refusal = new RemotingAbortedError(addr, { cause: signal.reason, message: `invoke to ${addr} aborted before it started` });
    } else if (!permits.tryAcquire()) {
      const method = oneway ? "invokeOnewayImpl" : "invokeAsyncImpl";
      refusal = new RemotingTooMuchRequestError(`${method} invoke too fast: all ${permits.total} ${oneway ? "oneway" : "async"} permits are in use`);
    }
    if (refusal !== null) {
      counters?.addError(refusal.code); // stats
      this.refuse(kind, callback, refusal, trace);
      if (trace !== null) invokeChannel.end.publish(trace);
      return null;
    }
    const call = this.pool.pop() ?? new Call();
    call.state = CallState.Connecting;
    call.kind = kind;
    call.permits = permits;
    call.opaque = this.newOpaque();
    call.request = request;
    call.code = request.code;
    call.counters = counters;
    call.startedAt = parts.coarseNow(); // stats only
    const turn = this.turn ?? this.startTurn();
    if (timeoutMs < turn.shortestTimeoutMs) turn.shortestTimeoutMs = timeoutMs;
    call.turnEnd = turn;
    call.timeoutMs = timeoutMs;
    call.addr = addr;
    call.callback = callback;
    call.trace = trace;
    if (this.captureCallSites) call.site = new Error("invoked");
    this.table.add(call);
    if (signal !== null) {
      call.signal = signal;
      this.aborts.watch(signal, call);
    }
    if (trace !== null) invokeChannel.end.publish(trace);
    return call;
  }

  /**
   * Fails a call that never started (no permit free, the signal already aborted, the endpoint
   * stopped, the channel closed), called back as any call that ends (see deliverAfterInvoke).
   */
  refuse(kind: CallKind, callback: InvokeCallback, refusal: RemotingError, trace: InvokeTraceContext | null = null): void {
    this.deliverAfterInvoke(kind, trace, null, callback, refusal, undefined);
  }

  /** An invoke is running (its endpoint's invoke method, until it returns): calls that end meanwhile call back later. */
  enterInvoke(): void {
    this.invoking++;
  }

  leaveInvoke(): void {
    this.invoking--;
  }

  private startTurn(): TurnEnd {
    this.turn = new TurnEnd();
    atTurnEnd(this.endTurn);
    return this.turn;
  }

  private newOpaque(): number {
    this.lastOpaque = (this.lastOpaque + 1) | 0;
    return this.lastOpaque;
  }

  /** Sends a registered call on an open connection, or lets it wait until the connection drains. */
  dispatch(conn: Connection, call: Call): void {
    if (call.state === CallState.Done) return;
    call.conn = conn;
    const waiting = stalledOf(conn);
    if (!conn.queue.writable || waiting !== null) {
      call.state = CallState.Stalled;
      if (waiting !== null) waiting.push(call);
      else {
        const list = new LinkedList<Call>();
        list.push(call);
        conn.stalled = list as unknown as LinkedList<never>;
      }
      return;
    }
    this.transmit(conn, call);
  }

  /** Puts `call` in a list that it leaves when it ends (a connect's waiters, say). */
  park(list: LinkedList<Call>, call: Call): void {
    call.state = CallState.Connecting;
    call.conn = null;
    list.push(call);
  }

  private transmit(conn: Connection, call: Call): void {
    const request = call.request!;
    const hooks = this.parts.hooks;
    if (!hooks.isEmpty) {
      try {
        hooks.before(conn.remoteAddress, request, "outbound", conn.context);
      } catch (error) {
        this.finish(call, new RemotingSendRequestError(call.addr, { cause: error, message: `send request to ${call.addr} failed: an RPC hook refused it: ${describeError(error)}` }));
        return;
      }
    }
    try {
      // Per call, right before encoding: the same command object may be in flight in other calls.
      const flag = call.kind === CallKind.Oneway ? (request.flag | RPC_ONEWAY) & ~RPC_TYPE_RESPONSE : request.flag & ~(RPC_ONEWAY | RPC_TYPE_RESPONSE);
      conn.send(stampRequest(request, call.opaque, flag));
    } catch (error) {
      const message = `send request to ${call.addr} failed: ${error instanceof Error ? error.message : String(error)}`;
      this.finish(call, new RemotingSendRequestError(call.addr, { cause: error, message }));
      return;
    }
    if (call.kind === CallKind.Oneway) {
      this.finish(call, null);
      return;
    }
    call.state = CallState.Sent;
    if (call.kind === CallKind.Sync) call.sentAt = this.parts.coarseNow(); // only the close-on-timeout rule needs it
    conn.pendingOut++;
  }

  /** The connection can take more: send its stalled calls, in order, while it stays writable. */
  onWritable(conn: Connection): void {
    const waiting = stalledOf(conn);
    if (waiting === null) return;
    while (conn.queue.writable) {
      const call = waiting.shift();
      if (call === null) break;
      this.transmit(conn, call);
    }
    if (waiting.length === 0 && conn.stalled === waiting) conn.stalled = null;
  }

  onResponse(conn: Connection, response: RemotingCommand): void {
    const call = this.table.get(response.opaque);
    if (call === undefined) {
      this.parts.logger.debug(`${this.parts.role}: response with opaque ${response.opaque} from ${conn.remoteAddress} matches no pending request (late, aborted or unknown), dropped`);
      return;
    }
    if (call.conn !== conn || call.state !== CallState.Sent) {
      // Opaques are per process, not per connection: a peer must not settle another connection's call.
      this.peerWarnings.warn(this.parts.logger, this.parts.coarseNow(), `${this.parts.role}: ${conn.remoteAddress} answered opaque ${response.opaque}, which it was never sent; dropped`);
      return;
    }
    if (response.code === ResponseCode.GO_AWAY && this.parts.onGoAway?.(call, response) === true) return;
    const hooks = this.parts.hooks;
    if (!hooks.isEmpty) {
      try {
        hooks.after(conn.remoteAddress, call.request!, response, conn.context);
      } catch (error) {
        this.parts.logger.warn(`RPC hook doAfterResponse threw for opaque ${call.opaque}: ${describeError(error)}`, error);
      }
    }
    this.finish(call, null, response);
  }

  /**
   * GO_AWAY: the call goes back to waiting for a connection under a fresh opaque, with what is left
   * of its deadline and its permit; the caller routes it again.
   */
  requeue(call: Call): void {
    this.table.remove(call);
    if (call.state === CallState.Sent && call.conn !== null) call.conn.pendingOut--;
    call.state = CallState.Connecting;
    call.conn = null;
    call.opaque = this.newOpaque();
    this.table.add(call);
  }

  /** Times out every call past its deadline; returns the earliest deadline left (Infinity: none). */
  expire(now: number): number {
    if (this.table.size === 0) return Infinity;
    const { expired, earliestLeft } = this.table.expire(now);
    for (const call of expired) {
      // A callback of an earlier one may have ended this call (a shared signal), and its object may
      // carry a new call by now, made this turn and so not due (deadline NaN until the turn ends).
      if (call.state === CallState.Done || !(call.deadline <= now)) continue;
      const message =
        call.state === CallState.Connecting
          ? `invoke to ${call.addr} timeout: no connection within the ${call.timeoutMs}(ms) budget`
          : call.state === CallState.Stalled
            ? `invoke to ${call.addr} timeout: the connection did not drain within the ${call.timeoutMs}(ms) budget`
            : undefined;
      this.parts.onTimeout?.(call);
      this.finish(call, new RemotingTimeoutError(call.addr, call.timeoutMs, { message }));
    }
    return earliestLeft;
  }

  /** The connection closed: every call bound to it (stalled or sent) fails now, with why as the cause. */
  failConnection(conn: Connection, cause: Error | undefined): void {
    for (const call of this.table.ofConnection(conn)) {
      const what = call.state === CallState.Sent ? "before the response arrived" : "before the request was sent";
      const why = cause === undefined ? "" : `: ${cause.message}`;
      this.finish(call, new RemotingSendRequestError(call.addr, { cause, message: `send request to ${call.addr} failed: the connection closed ${what}${why}` }));
    }
    conn.stalled = null;
  }

  /** Fails every call that is still pending. */
  failAll(message: string): void {
    for (const call of this.table.drain(() => true)) {
      this.finish(call, new RemotingSendRequestError(call.addr, { message: `send request to ${call.addr} failed: ${message}` }));
    }
  }

  /** Closes `conn` once none of its sent calls waits for an answer. */
  closeIfIdle(conn: Connection): void {
    if (conn.pendingOut === 0) conn.close();
    else conn.closeWhenIdle = true;
  }

  /**
   * The one way a call ends: out of the response table and any waiting list, its connection's
   * count, its permit and its abort listener given back, its request let go of; then stats,
   * tracing and the caller's callback. Later outcomes (a late answer, the scan) find nothing.
   */
  finish(call: Call, error: RemotingError | null, response?: RemotingCommand): void {
    if (call.state === CallState.Done) return;
    const conn = call.conn;
    if (call.state === CallState.Sent && conn !== null) conn.pendingOut--;
    call.state = CallState.Done;
    this.table.remove(call);
    const list = call.list;
    if (list !== null) {
      list.remove(call);
      if (list.length === 0 && conn !== null && conn.stalled === list) conn.stalled = null;
    }
    call.permits?.release();
    call.permits = null;
    if (call.signal !== null) this.aborts.unwatch(call.signal, call);
    call.signal = null;
    call.request = null;
    const callback = call.callback!;
    call.callback = null;
    if (error !== null && call.site !== null) appendCallSite(error, call.site);
    call.site = null;
    this.record(call, error, response);
    const trace = call.trace;
    call.trace = null;
    // The usual case (untraced, not inside an invoke) calls back right here: two calls fewer per answer.
    if (trace === null && !this.defersCallback(call.kind)) this.runCallback(call.opaque, callback, error, response);
    else this.deliverAfterInvoke(call.kind, trace, call.opaque, callback, error, response);
    call.conn = null;
    if (conn?.closeWhenIdle === true) this.closeIfIdle(conn);
    this.recycle(call);
  }

  private record(call: Call, error: RemotingError | null, response: RemotingCommand | undefined): void {
    const counters = call.counters; // stats
    call.counters = null;
    if (counters === null) return;
    if (error !== null) counters.addError(error.code);
    else if (response !== undefined) {
      counters.recordLatency(this.parts.coarseNow() - call.startedAt);
      if (response.code !== RemotingSysResponseCode.SUCCESS) counters.addError(String(response.code));
    }
  }

  /**
   * The caller's callback, now or, for an invokeAsync made or ending while an invoke runs (a refusal,
   * a failed send, another call's connection closing under it), on a microtask: it never runs
   * inside an invoke, and a throw from it is logged, never thrown at one. The promise-based calls'
   * callbacks only settle a promise.
   */
  private deliverAfterInvoke(kind: CallKind, trace: InvokeTraceContext | null, opaque: number | null, callback: InvokeCallback, error: RemotingError | null, response: RemotingCommand | undefined): void {
    if (this.defersCallback(kind)) queueMicrotask(() => this.deliver(trace, opaque, callback, error, response));
    else this.deliver(trace, opaque, callback, error, response);
  }

  /** An invokeAsync's callback waits for a microtask while an invoke runs (see deliverAfterInvoke); small enough to be inlined. */
  private defersCallback(kind: CallKind): boolean {
    return this.invoking > 0 && kind === CallKind.Async;
  }

  /** The caller's callback, traced when the call is; `opaque` null for a call refused before it started. */
  private deliver(trace: InvokeTraceContext | null, opaque: number | null, callback: InvokeCallback, error: RemotingError | null, response: RemotingCommand | undefined): void {
    if (trace === null) this.runCallback(opaque, callback, error, response);
    else traceInvokeOutcome(trace, error, response, () => this.runCallback(opaque, callback, error, response));
  }

  private runCallback(opaque: number | null, callback: InvokeCallback, error: RemotingError | null, response: RemotingCommand | undefined): void {
    try {
      callback(error, response);
    } catch (callbackError) {
      const which = opaque === null ? "of a refused call" : `for opaque ${opaque}`;
      this.parts.logger.warn(`invoke callback ${which} threw: ${describeError(callbackError)}`, callbackError);
    }
  }

  private recycle(call: Call): void {
    if (this.pool.length >= POOL_MAX) return;
    call.sentAt = 0;
    call.nameServerAttempts = -1;
    call.goAwayRetried = false;
    this.pool.push(call);
  }
}
