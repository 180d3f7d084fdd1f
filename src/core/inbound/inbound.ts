import { RemotingAbortProcessError, RemotingLimitError } from "../../errors.ts";
import { isOneway, RPC_ONEWAY, RPC_TYPE_RESPONSE } from "../../protocol/flags.ts";
import { Command, stampCommand, type RemotingCommand } from "../../protocol/remoting-command.ts";
import { RemotingSysResponseCode, ResponseCode } from "../../protocol/response-code.ts";
import type { Connection, RequestSink } from "../connection/connection.ts";
import { describeError } from "../observability/describe-error.ts";
import { LogThrottle } from "../observability/log-throttle.ts";
import type { ResponseTraceContext } from "../observability/trace-context.ts";
import { isTraced, processChannel, responseChannel, traceResponse } from "../observability/tracing.ts";
import type { Logger } from "../observability/logger.ts";
import type { CodeCounters, TrafficCounters } from "../observability/traffic-stats.ts";
import type { EndpointOptions } from "../options.ts";
import type { RpcHooks } from "../rpc-hook.ts";
import { hasFreeSlot, takeSlot, type EventLoopExecutor } from "./event-loop-executor.ts";
import { InboundRequest, type RequestOwner } from "./inbound-request.ts";
import type { ProcessorRegistry } from "./processor-registry.ts";
import type { RequestProcessor } from "./processor.ts";
import { isCommand, isLibraryCommand, isThenable } from "./processor-result.ts";

/** The first version that understands GO_AWAY (5.3.2 and later advertise more than 475). */
const GO_AWAY_MIN_VERSION = 476;
/** Weight of the newest answer in the running estimate of an answer's size. */
const ESTIMATE_WEIGHT = 1 / 8;

/** The remark of the SYSTEM_BUSY answer to a request whose processor's rejectRequest() returned true (Java's). */
export const REJECT_REQUEST_REMARK = "[REJECTREQUEST]system busy, start flow control for a while";
/** The remark of the SYSTEM_BUSY answer to a request its executor had no room for (Java's, for a full thread pool queue). */
export const OVERLOAD_REMARK = "[OVERLOAD]system busy, start flow control for a while";
/** The answer to a request beyond maxPendingRequestsPerConnection (SYSTEM_BUSY, so Java clients back off and retry). */
export const CONNECTION_BUSY_REMARK = "[CONNECTION_BUSY]too many requests in progress on this connection, start flow control for a while";
/** The answer to a request still waiting for an executor when shutdown began (to clients that do not understand GO_AWAY). */
export const SHUTTING_DOWN_REMARK = "[SHUTTING_DOWN]the server is shutting down, send the request elsewhere";

export interface InboundParts {
  readonly role: "server" | "client";
  /** Server: stop reading a connection whose answers would not fit (see admits); a client always reads. */
  readonly holdInputWhenUnwritable: boolean;
  readonly options: EndpointOptions;
  readonly logger: Logger;
  readonly hooks: RpcHooks;
  readonly registry: ProcessorRegistry;
  readonly served: TrafficCounters;
  readonly coarseNow: () => number;
}

/**
 * The inbound path (Java's processRequestCommand): admission of each request, its hand-over to an
 * executor as an InboundRequest, and its answer. It also keeps a connection's unsent answers
 * bounded: a connection whose answers (queued, or still being produced) would not fit the budget
 * is not read until they drain, and one that goes past maxWriteBufferBytes anyway is closed as a
 * slow consumer.
 */
export class Inbound implements RequestOwner, RequestSink {
  readonly role: "server" | "client";
  readonly hooks: RpcHooks;
  /** Requests read but never started: their connection closed first (stats.droppedRequests). */
  droppedRequests = 0;
  /** Connections closed because their unsent answers went past maxWriteBufferBytes. */
  slowConsumerCloses = 0;
  private stopping = false;
  private goAway = false;
  /** Running estimate of an answer's frame size (bytes), for the admission budget. */
  private answerEstimate = 0;
  private readonly failures = new LogThrottle();
  private readonly slowConsumers = new LogThrottle(1, 10_000);
  /** Options read per request, kept here: one field read instead of a chain. */
  private readonly maxPending: number;
  private readonly maxQueuedBytes: number;
  private readonly highWaterMark: number;
  /** Whether this endpoint stops reading a connection it cannot answer (a server); the one place the endpoint asks. */
  readonly holdsInput: boolean;

  constructor(private readonly parts: InboundParts) {
    this.role = parts.role;
    this.hooks = parts.hooks;
    this.maxPending = parts.options.maxPendingRequestsPerConnection;
    this.maxQueuedBytes = parts.options.maxWriteBufferBytes;
    this.highWaterMark = parts.options.writeBufferHighWaterMark;
    this.holdsInput = parts.holdInputWhenUnwritable;
  }

  /**
   * Every request frame arrives here (Connection.take decided it may be taken). `registry`: the
   * processors of the port the connection came in on.
   */
  onRequest(conn: Connection, request: RemotingCommand, registry: ProcessorRegistry = this.parts.registry): void {
    const code = request.code;
    const counters = this.parts.served.count(code); // stats
    const entry = registry.lookup(code);
    if (entry === null) {
      this.parts.logger.debug(`${this.role}: no processor for request code ${code} from ${conn.remoteAddress}`);
      this.reply(conn, request, RemotingSysResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${code} not supported`);
      return;
    }
    if (this.stopping && this.goAway && request.version >= GO_AWAY_MIN_VERSION) {
      this.reply(conn, request, ResponseCode.GO_AWAY, "please go away");
      return;
    }
    if (entry.reject !== null) {
      let rejected: boolean;
      try {
        rejected = entry.reject();
      } catch (error) {
        this.answer(conn, request, this.errorResponse(error));
        return;
      }
      if (rejected) {
        this.reply(conn, request, RemotingSysResponseCode.SYSTEM_BUSY, REJECT_REQUEST_REMARK);
        return;
      }
    }
    if (conn.requests.length >= this.maxPending) {
      this.parts.logger.debug(`${this.role}: ${conn.remoteAddress} has ${conn.requests.length} requests in progress (maxPendingRequestsPerConnection); code ${code} answered SYSTEM_BUSY`);
      this.reply(conn, request, RemotingSysResponseCode.SYSTEM_BUSY, CONNECTION_BUSY_REMARK);
      return;
    }
    const loop = entry.onThisThread;
    if (loop !== null && conn.isActive && hasFreeSlot(loop) && this.hooks.isEmpty && !isTraced(processChannel) && typeof entry.processor !== "string") {
      this.serveAtOnce(conn, request, entry.processor, loop, counters);
      return;
    }
    const task = new InboundRequest(this, conn, request, entry.processor, counters);
    let accepted: boolean;
    task.accepting = true;
    try {
      accepted = entry.executor.execute(task);
    } catch (error) {
      task.fail(error); // an executor that throws: the request is still answered, and let go
      return;
    } finally {
      task.accepting = false;
    }
    if (!accepted) task.refuse(this.response(RemotingSysResponseCode.SYSTEM_BUSY, OVERLOAD_REMARK));
    else task.accepted();
  }

  /**
   * The common case without a task object: the processor runs now, in a slot of its event-loop
   * executor taken for the call (so the executor's bound and stats hold while it runs, re-entrant
   * requests included). A command of the library's it returns is the answer and null/undefined
   * none: the slot is given back and the request is over, having been in no list. Anything else (a
   * promise, a throw, a result that is not a command) goes to an InboundRequest with the slot,
   * which owns both from there.
   */
  private serveAtOnce(conn: Connection, request: RemotingCommand, processor: RequestProcessor, loop: EventLoopExecutor, counters: CodeCounters | null): void {
    const settled = takeSlot(loop);
    let outcome: unknown;
    let threw = false;
    let thenable = false;
    try {
      outcome = typeof processor === "function" ? processor(conn.context, request) : processor.processRequest(conn.context, request);
      thenable = isThenable(outcome); // reads `then`, which may be a getter that throws
    } catch (error) {
      outcome = error;
      threw = true;
    }
    if (!threw && !thenable && (outcome === null || outcome === undefined || isLibraryCommand(outcome))) {
      try {
        if (outcome != null) this.answer(conn, request, outcome, NaN);
      } finally {
        settled();
      }
      if (counters !== null) counters.recordLatency(0); // stats
      return;
    }
    const task = new InboundRequest(this, conn, request, processor, counters);
    task.adopt(outcome, threw, thenable, settled);
    task.accepted();
  }

  /**
   * Whether `conn` may have another request now (a client's always may): its unsent answers, plus
   * the answers of its requests in progress at the size answers have had lately, must stay within
   * maxWriteBufferBytes, and its queue must be under the high-water mark.
   */
  admits(conn: Connection): boolean {
    if (!this.holdsInput) return true;
    const queue = conn.queue;
    return queue.writable && queue.queuedBytes + conn.requests.length * this.answerEstimate < this.maxQueuedBytes;
  }

  refusal(conn: Connection, request: RemotingCommand, waited: boolean): RemotingCommand | "drop" | null {
    if (!conn.isActive) return "drop";
    return this.stopping && waited ? this.shutdownAnswer(request) : null;
  }

  coarseNow(): number {
    return this.parts.coarseNow();
  }

  requestDone(conn: Connection, counters: CodeCounters | null, startedAt: number, ran: boolean, dropped: boolean): void {
    if (dropped && !ran) this.droppedRequests++; // stats
    if (ran && counters !== null) counters.recordLatency(this.elapsedSince(startedAt)); // stats
    if (conn.isHolding) conn.resumeInput();
  }

  /**
   * Answers `request` on `conn`: never a oneway request; the response gets the request's opaque and
   * the response flag. One that cannot be encoded is replaced by a SYSTEM_ERROR saying why, so the
   * caller is not left waiting. Past maxWriteBufferBytes on a connection that was already over its
   * high-water mark, the connection is closed as a slow consumer.
   */
  answer(conn: Connection, request: RemotingCommand, response: RemotingCommand, arrivedAt = this.parts.coarseNow(), suspended = false): void {
    const traced = responseChannel.hasSubscribers;
    if (isOneway(request)) {
      this.countAnswer(request, response);
      if (traced) this.trace(conn, request, response, arrivedAt, "oneway", suspended);
      return;
    }
    if (!conn.isActive) {
      this.countAnswer(request, response);
      this.parts.logger.debug(`${this.role}: response to opaque ${request.opaque} dropped, ${conn.remoteAddress} is gone`);
      if (traced) this.trace(conn, request, response, arrivedAt, "channel_closed", suspended);
      return;
    }
    const queue = conn.queue;
    const queuedBefore = queue.queuedBytes;
    let bytes: number;
    try {
      // Everything read from the processor's object is read here: whatever it is, the caller gets an answer.
      this.countAnswer(request, response);
      bytes = conn.send(stampCommand(response, request.opaque, (response.flag | RPC_TYPE_RESPONSE) & ~RPC_ONEWAY));
    } catch (error) {
      this.parts.logger.warn(`${this.role}: response to code ${request.code} could not be encoded: ${describeError(error)}`);
      const fallback = this.systemError(`response could not be encoded: ${(error as Error).message}`);
      this.parts.served.error(request.code, String(fallback.code)); // stats
      fallback.opaque = request.opaque;
      bytes = conn.send(fallback);
    }
    this.answerEstimate += (bytes - this.answerEstimate) * ESTIMATE_WEIGHT;
    if (traced) this.trace(conn, request, response, arrivedAt, "written", suspended);
    if (queuedBefore > this.highWaterMark && queue.queuedBytes > this.maxQueuedBytes) this.closeSlowConsumer(conn, queue.queuedBytes);
  }

  /** Ms on the coarse clock since a request arrived; 0 for one that arrived this turn (NaN, see InboundRequest). */
  private elapsedSince(arrivedAt: number): number {
    return Number.isNaN(arrivedAt) ? 0 : Math.max(0, this.parts.coarseNow() - arrivedAt);
  }

  private countAnswer(request: RemotingCommand, response: RemotingCommand): void {
    if (response.code !== RemotingSysResponseCode.SUCCESS) this.parts.served.error(request.code, String(response.code)); // stats
  }

  /** ctx.writeResponse: a late answer, checked like a processor's result. */
  writeLate(conn: Connection, request: RemotingCommand, response: RemotingCommand): void {
    if (!isCommand(request)) throw new TypeError("writeResponse: request must be the RemotingCommand being answered");
    if (!isCommand(response)) throw new TypeError("writeResponse: response must be a RemotingCommand (see createResponse)");
    this.answer(conn, request, response, undefined, true);
  }

  private trace(conn: Connection, request: RemotingCommand, response: RemotingCommand, arrivedAt: number, outcome: ResponseTraceContext["outcome"], suspended: boolean): void {
    const elapsedMs = this.elapsedSince(arrivedAt);
    traceResponse({ role: this.role, request, response, remoteAddress: conn.remoteAddress, channel: conn.context, elapsedMs, outcome, suspended });
  }

  /**
   * Shutdown began: nothing waiting in a queue starts any more (it is answered GO_AWAY or
   * SYSTEM_BUSY now); from now on, requests from clients that understand GO_AWAY are answered so,
   * and others run only if their executor can start them at once (as Java serves them while it
   * drains), never after waiting.
   */
  beginShutdown(connections: Iterable<Connection>, goAway: boolean): void {
    this.stopping = true;
    this.goAway = goAway;
    for (const conn of connections) {
      for (const task of conn.requests.items()) {
        if (task instanceof InboundRequest && !task.done && task.isWaiting) task.refuse(this.shutdownAnswer(task.request));
      }
    }
  }

  /** The connection closed: its requests end now (queued ones never start, running ones are not answered). */
  connectionClosed(conn: Connection): void {
    this.droppedRequests += conn.takeHeldRequests(); // stats
    for (const task of conn.requests.items()) task.drop();
  }

  errorResponse(error: unknown): RemotingCommand {
    if (error instanceof RemotingAbortProcessError) return this.response(error.responseCode, error.message);
    return this.systemError(describeError(error));
  }

  systemError(remark: string): RemotingCommand {
    return this.response(RemotingSysResponseCode.SYSTEM_ERROR, remark);
  }

  warnFailure(conn: Connection, request: RemotingCommand, message: string, error?: unknown): void {
    const details = error === undefined ? [] : [error];
    this.failures.warn(this.parts.logger, this.parts.coarseNow(), `${this.role}: ${message} (code ${request.code}, from ${conn.remoteAddress})`, ...details);
  }

  private closeSlowConsumer(conn: Connection, queued: number): void {
    const { maxWriteBufferBytes } = this.parts.options;
    const reason = new RemotingLimitError(
      "maxWriteBufferBytes",
      `${conn.remoteAddress} does not read its answers: ${queued} bytes unsent, over maxWriteBufferBytes ${maxWriteBufferBytes}; closed as a slow consumer`,
    );
    this.slowConsumerCloses++; // stats
    this.slowConsumers.warn(this.parts.logger, this.parts.coarseNow(), `${this.role}: ${reason.message}`);
    conn.destroy(reason);
  }

  private shutdownAnswer(request: RemotingCommand): RemotingCommand {
    return this.goAway && request.version >= GO_AWAY_MIN_VERSION
      ? this.response(ResponseCode.GO_AWAY, "please go away")
      : this.response(RemotingSysResponseCode.SYSTEM_BUSY, SHUTTING_DOWN_REMARK);
  }

  private reply(conn: Connection, request: RemotingCommand, code: number, remark: string): void {
    this.answer(conn, request, this.response(code, remark));
  }

  private response(code: number, remark: string | null): RemotingCommand {
    const o = this.parts.options;
    return new Command(code, o.language, o.version, 0, RPC_TYPE_RESPONSE, remark, null, null, o.serializeType);
  }
}
