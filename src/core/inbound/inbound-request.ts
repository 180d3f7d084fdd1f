import { RemotingAbortProcessError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { Connection } from "../connection/connection.ts";
import { describeError } from "../observability/describe-error.ts";
import type { RemotingEndpoint } from "../endpoint/remoting-endpoint.ts";
import type { ProcessorResult, RequestProcessor } from "./processor.ts";
import type { ProcessTraceContext } from "../observability/trace-context.ts";
import { isTraced, processChannel, processTraceContext, traceProcessOutcome, traceProcessor } from "../observability/tracing.ts";

/*
 * The life of one inbound request (Java's RequestTask): before-hooks, the processor, after-hooks,
 * then the response; SYSTEM_ERROR (or an abort's code) when anything throws. The steps are plain
 * functions so that a synchronous processor on the event loop runs without any task object; a
 * RequestTask exists only for requests that wait in a queue or whose processor is async.
 * Each accepted request settles exactly once here (a before-hook's refusal, completeRequest or
 * failRequest), which is where its connection's pendingIn count is given back.
 */

/** Runs the before-hooks; false when one refused the request (it has then been answered). */
export function beginRequest(endpoint: RemotingEndpoint, conn: Connection, request: RemotingCommand): boolean {
  const hooks = endpoint.hooks;
  if (hooks.isEmpty) return true;
  try {
    hooks.before(conn.remoteAddress, request, "inbound");
    return true;
  } catch (error) {
    conn.requestSettled();
    const response = endpoint.errorResponseFor(error);
    try {
      hooks.after(conn.remoteAddress, request, response);
    } catch (hookError) {
      endpoint.logger.warn(`RPC hook doAfterResponse threw after a refused request: ${describeError(hookError)}`, hookError);
    }
    endpoint.writeResponse(conn, request, response);
    return false;
  }
}

/**
 * The processor answered (null: no response now; it may answer later through the context).
 * `startedAt`: when the request arrived, on the endpoint's clock (for the latency stats).
 */
export function completeRequest(endpoint: RemotingEndpoint, conn: Connection, request: RemotingCommand, response: RemotingCommand | null, startedAt: number): void {
  if (!endpoint.hooks.isEmpty) {
    try {
      endpoint.hooks.after(conn.remoteAddress, request, response);
    } catch (error) {
      failRequest(endpoint, conn, request, error, startedAt);
      return;
    }
  }
  conn.requestSettled();
  endpoint.traffic.served.latency(request.code, elapsedSince(endpoint, startedAt)); // stats
  if (response !== null) endpoint.writeResponse(conn, request, response);
}

/** The processor (or an after-hook) threw: answer SYSTEM_ERROR, or the code of an abort. */
export function failRequest(endpoint: RemotingEndpoint, conn: Connection, request: RemotingCommand, error: unknown, startedAt: number): void {
  conn.requestSettled();
  if (!(error instanceof RemotingAbortProcessError)) {
    endpoint.processorWarnings.warn(endpoint.logger, endpoint.now(), `processor for code ${request.code} from ${conn.remoteAddress} failed: ${describeError(error)}`);
  }
  endpoint.traffic.served.latency(request.code, elapsedSince(endpoint, startedAt)); // stats
  endpoint.writeResponse(conn, request, endpoint.errorResponseFor(error));
}

/**
 * A request's latency on the endpoint's clock. NaN as the start means "this turn": a synchronous
 * processor settles in the turn it started, where a turn-grained clock reads 0 anyway, so that
 * path reads no clock at all.
 */
function elapsedSince(endpoint: RemotingEndpoint, startedAt: number): number {
  return Number.isNaN(startedAt) ? 0 : endpoint.now() - startedAt;
}

function callProcessor(processor: RequestProcessor, conn: Connection, request: RemotingCommand): ProcessorResult {
  return typeof processor === "function" ? processor(conn, request) : processor.processRequest(conn, request);
}

function isPromise(result: ProcessorResult): result is Promise<RemotingCommand | null> {
  return result !== null && typeof (result as Promise<unknown>).then === "function";
}

/**
 * Runs a request on the calling thread. Returns a promise when the processor is async (the request
 * is answered when it settles), undefined when it has been answered already.
 */
export function runRequest(
  endpoint: RemotingEndpoint,
  conn: Connection,
  request: RemotingCommand,
  processor: RequestProcessor,
  startedAt = NaN,
): Promise<void> | undefined {
  if (!beginRequest(endpoint, conn, request)) return undefined;
  const trace = isTraced(processChannel) ? processTraceContext(endpoint.role, conn, request) : null;
  let result: ProcessorResult;
  try {
    result = trace === null ? callProcessor(processor, conn, request) : traceProcessor(trace, () => callProcessor(processor, conn, request));
  } catch (error) {
    failRequest(endpoint, conn, request, error, startedAt);
    return undefined;
  }
  if (isPromise(result)) {
    const task = new RequestTask(endpoint, conn, request, processor, Number.isNaN(startedAt) ? endpoint.now() : startedAt);
    task.trace = trace;
    return result.then(
      (response) => task.complete(response),
      (error: unknown) => task.fail(error),
    );
  }
  completeRequest(endpoint, conn, request, result, startedAt);
  return undefined;
}

/** A request handed to an executor, settled exactly once. */
export class RequestTask {
  private settled = false;
  /** The diagnostics_channel context, when someone traces processing. */
  trace: ProcessTraceContext | null = null;

  constructor(
    readonly endpoint: RemotingEndpoint,
    readonly conn: Connection,
    readonly request: RemotingCommand,
    /** A processor, or a processor's name for an executor that resolves names (worker groups). */
    readonly processor: RequestProcessor | string,
    /** When the request arrived, on the endpoint's clock (for the latency stats). */
    readonly startedAt = endpoint.now(),
  ) {}

  /**
   * Runs the before-hooks. False when one refused the request; the task is then settled (answered)
   * and the executor must not run the processor. For an executor that runs the processor elsewhere
   * (a worker): tracing sees start and end here, the outcome at complete / fail.
   */
  begin(): boolean {
    if (this.settled) return false;
    const ok = beginRequest(this.endpoint, this.conn, this.request);
    if (!ok) this.settled = true;
    else if (isTraced(processChannel)) {
      const trace = (this.trace = processTraceContext(this.endpoint.role, this.conn, this.request));
      traceProcessor(trace, () => null);
    }
    return ok;
  }

  /** Runs the whole task here: before-hooks, processor, answer. A promise when the processor is async. */
  run(): Promise<void> | undefined {
    const processor = this.processor;
    if (typeof processor === "string") {
      if (this.begin()) this.fail(new TypeError(`processor "${processor}" is a worker processor name, but its executor runs functions`));
      return undefined;
    }
    this.settled = true; // runRequest answers exactly once itself
    return runRequest(this.endpoint, this.conn, this.request, processor, this.startedAt);
  }

  complete(response: RemotingCommand | null): void {
    if (this.settled) return;
    this.settled = true;
    if (this.trace === null) completeRequest(this.endpoint, this.conn, this.request, response, this.startedAt);
    else traceProcessOutcome(this.trace, false, response, () => completeRequest(this.endpoint, this.conn, this.request, response, this.startedAt));
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.trace === null) failRequest(this.endpoint, this.conn, this.request, error, this.startedAt);
    else traceProcessOutcome(this.trace, true, error, () => failRequest(this.endpoint, this.conn, this.request, error, this.startedAt));
  }
}
