import { RemotingAbortProcessError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { Connection, LiveRequest } from "../connection/connection.ts";
import { describeError } from "../observability/describe-error.ts";
import type { ProcessTraceContext } from "../observability/trace-context.ts";
import type { CodeCounters } from "../observability/traffic-stats.ts";
import { isTraced, processChannel, processTraceContext, traceProcessOutcome, traceProcessor } from "../observability/tracing.ts";
import type { RpcHooks } from "../rpc-hook.ts";
import type { LinkedList } from "../util/linked-list.ts";
import type { ExecutorTask } from "./executor.ts";
import type { ProcessorResult, RequestProcessor } from "./processor.ts";
import { badResultRemark, isCommand, isThenable } from "./processor-result.ts";

/** What a request needs from the inbound path that accepted it. */
export interface RequestOwner {
  readonly role: "server" | "client";
  readonly hooks: RpcHooks;
  /**
   * Why a request may not start now: "drop" (its connection is gone), an answer (shutdown began
   * while it `waited` in a queue), or null (go).
   */
  refusal(conn: Connection, request: RemotingCommand, waited: boolean): RemotingCommand | "drop" | null;
  /** The coarse clock: when a request that is not done at once arrived. */
  coarseNow(): number;
  /** Writes the answer (stats, oneway, encoding fallback, the connection's memory bound); `arrivedAt` on the coarse clock, NaN for this turn. */
  answer(conn: Connection, request: RemotingCommand, response: RemotingCommand, arrivedAt: number): void;
  /** SYSTEM_ERROR (or an abort's code) for a thrown value. */
  errorResponse(error: unknown): RemotingCommand;
  /** SYSTEM_ERROR with `remark`. */
  systemError(remark: string): RemotingCommand;
  /** Logs a processor failure (rate-limited). */
  warnFailure(conn: Connection, request: RemotingCommand, message: string, error?: unknown): void;
  /** The request is done: its latency in `counters` (ms on the coarse clock since `startedAt`; NaN: it arrived this turn), and room for more on its connection. */
  requestDone(conn: Connection, counters: CodeCounters | null, startedAt: number, ran: boolean, dropped: boolean): void;
}

const WAITING = 0;
const RUNNING = 1;
const DONE = 2;

/**
 * One inbound request that holds something (an executor slot, a place in its connection's list of
 * requests in progress), from the moment it is accepted until it is done: the one owner of all of
 * it. `accepted` puts it in the list and `finish` takes it out, gives the executor its slot back
 * and writes the answer; every way a request can end (answered, refused, failed, dropped because
 * its connection closed) goes through `finish`, once. Whatever the processor returns, throws or
 * never settles, nothing it holds is kept beyond that. (A request answered at once by a
 * synchronous processor holds nothing and needs no such object: see Inbound's serveAtOnce.)
 */
export class InboundRequest implements ExecutorTask, LiveRequest {
  prev: LiveRequest | null = null;
  next: LiveRequest | null = null;
  list: LinkedList<LiveRequest> | null = null;
  private state = WAITING;
  /** The executor's callback, when it ran the processor here. */
  private settled: (() => void) | null = null;
  private trace: ProcessTraceContext | null = null;
  /** The processor's promise settles later: its outcome is traced as asynchronous. */
  private async = false;
  /** True while the executor is deciding whether to take it: a start then has not waited in a queue. */
  accepting = false;
  /**
   * When it arrived, on the coarse clock; NaN while it is in its arrival's turn. One done within
   * that turn took 0 ms on a clock read once per turn, so it reads no clock at all (on Node a clock
   * read also costs the turn a microtask).
   */
  private startedAt = NaN;

  constructor(
    private readonly owner: RequestOwner,
    readonly conn: Connection,
    readonly request: RemotingCommand,
    readonly processor: RequestProcessor | string,
    /** Its request code's stats (null when stats are off). */
    private readonly counters: CodeCounters | null,
  ) {}

  /**
   * Takes over a request whose processor Inbound already ran at once, in the executor slot that
   * `settled` gives back, and that did not simply answer: its promise (`thenable`: as Inbound
   * found it, `then` is not read again), the error it threw, or a result that is not a command.
   */
  adopt(outcome: unknown, threw: boolean, thenable: boolean, settled: () => void): void {
    this.state = RUNNING;
    this.settled = settled;
    if (threw) this.fail(outcome);
    else if (thenable) this.follow(outcome as PromiseLike<unknown>);
    else this.complete(outcome);
  }

  /**
   * After the executor took it: a request not done by then (queued, or its processor is async)
   * goes on its connection's list of requests in progress, so that the connection's close or the
   * endpoint's shutdown can end it. One done at once (the common case) never needs the list.
   */
  accepted(): void {
    if (this.state === DONE) return;
    if (!this.conn.isActive) {
      // Its processor closed the connection (or it closed meanwhile): connectionClosed() has run
      // and will not see it, so it ends here, giving its slot back whatever its promise does.
      this.drop();
      return;
    }
    this.startedAt = this.owner.coarseNow(); // still the arrival's turn
    this.conn.requests.push(this);
  }

  get remoteAddress(): string {
    return this.conn.remoteAddress;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  /** Accepted, not started yet (in an executor's queue). */
  get isWaiting(): boolean {
    return this.state === WAITING;
  }

  run(settled: () => void): void {
    if (this.state === DONE) {
      settled(); // ended while it waited (its connection closed): the slot is free again at once
      return;
    }
    this.settled = settled;
    if (!this.begin()) return;
    const processor = this.processor;
    if (typeof processor === "string") {
      this.fail(new TypeError(`processor "${processor}" is a worker processor's name, but its executor runs functions`));
      return;
    }
    let result: ProcessorResult;
    let thenable: boolean;
    try {
      result = this.trace === null ? this.call(processor) : traceProcessor(this.trace, () => this.call(processor));
      thenable = isThenable(result); // reads `then`, which may be a getter that throws
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!thenable) {
      this.complete(result);
      return;
    }
    this.follow(result as PromiseLike<unknown>);
  }

  /** The processor's promise: the request is answered when it settles. */
  private follow(thenable: PromiseLike<unknown>): void {
    this.async = true;
    try {
      thenable.then(
        (value) => this.complete(value),
        (error: unknown) => this.fail(error),
      );
    } catch (error) {
      this.fail(error); // a thenable whose then() throws
    }
  }

  private call(processor: RequestProcessor): ProcessorResult {
    const ctx = this.conn.context;
    return typeof processor === "function" ? processor(ctx, this.request) : processor.processRequest(ctx, this.request);
  }

  begin(): boolean {
    if (this.state !== WAITING) return false;
    const refusal = this.owner.refusal(this.conn, this.request, !this.accepting);
    if (refusal === "drop") {
      this.finish(null, false, true);
      return false;
    }
    if (refusal !== null) {
      this.finish(refusal, false, false);
      return false;
    }
    this.state = RUNNING;
    const hooks = this.owner.hooks;
    if (!hooks.isEmpty) {
      try {
        hooks.before(this.conn.remoteAddress, this.request, "inbound", this.conn.context);
      } catch (error) {
        const response = this.owner.errorResponse(error);
        this.runAfterHooks(response);
        this.finish(response, true, false);
        return false;
      }
    }
    if (isTraced(processChannel)) {
      this.trace = processTraceContext(this.owner.role, this.conn.context, this.request);
      // Run elsewhere (a worker): tracing sees start and end here, the outcome at complete / fail.
      if (this.settled === null) {
        traceProcessor(this.trace, () => null);
        this.async = true;
      }
    } else {
      this.trace = null;
    }
    return true;
  }

  complete(result: unknown): void {
    if (this.state !== RUNNING) return;
    let response: RemotingCommand | null;
    try {
      response = this.responseFor(result); // reads the result, whose getters may throw
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!this.runAfterHooks(response)) return;
    this.conclude(false, result, response);
  }

  /** The answer to a processor's result: a command, none, or SYSTEM_ERROR naming what came instead. */
  private responseFor(result: unknown): RemotingCommand | null {
    if (result === null || result === undefined) return null;
    if (isCommand(result)) return result;
    const remark = badResultRemark(this.request.code, result);
    this.owner.warnFailure(this.conn, this.request, remark);
    return this.owner.systemError(remark);
  }

  fail(error: unknown): void {
    if (this.state === DONE) return;
    if (!(error instanceof RemotingAbortProcessError)) {
      this.owner.warnFailure(this.conn, this.request, `processor for code ${this.request.code} from ${this.conn.remoteAddress} failed: ${describeError(error)}`, error);
    }
    this.conclude(true, error, this.owner.errorResponse(error));
  }

  /** The executor is full (or the request may not start): answered with `response` without running. */
  refuse(response: RemotingCommand): void {
    if (this.state === DONE) return;
    this.finish(response, false, false);
  }

  drop(): void {
    if (this.state === DONE) return;
    this.finish(null, this.state === RUNNING, true);
  }

  /** After-hooks with the response; false when one threw (the request is then answered SYSTEM_ERROR). */
  private runAfterHooks(response: RemotingCommand | null): boolean {
    const hooks = this.owner.hooks;
    if (hooks.isEmpty) return true;
    try {
      hooks.after(this.conn.remoteAddress, this.request, response, this.conn.context);
      return true;
    } catch (error) {
      this.conclude(true, error, this.owner.errorResponse(error));
      return false;
    }
  }

  /** The processor's outcome: traced as an asynchronous one when its promise settled, then answered. */
  private conclude(failed: boolean, outcome: unknown, response: RemotingCommand | null): void {
    const ran = this.state === RUNNING;
    if (this.trace !== null && this.async) traceProcessOutcome(this.trace, failed, outcome, () => this.finish(response, ran, false));
    else this.finish(response, ran, false);
  }

  /** The one way out: leaves its connection's list, gives the executor its slot back, answers. */
  private finish(response: RemotingCommand | null, ran: boolean, dropped: boolean): void {
    if (this.state === DONE) return;
    this.state = DONE;
    this.list?.remove(this);
    const settled = this.settled;
    this.settled = null;
    this.trace = null;
    try {
      if (response !== null) this.owner.answer(this.conn, this.request, response, this.startedAt);
    } catch (error) {
      // answer() sends something whatever the response is; what throws here is the bookkeeping around it.
      this.owner.warnFailure(this.conn, this.request, `answering code ${this.request.code} failed: ${describeError(error)}`, error);
    } finally {
      settled?.();
      this.owner.requestDone(this.conn, this.counters, this.startedAt, ran, dropped);
    }
  }
}
