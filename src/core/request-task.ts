import { RemotingAbortProcessError } from "../errors.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import type { Connection } from "./connection.ts";
import { describeError } from "./describe-error.ts";
import type { RemotingEndpoint } from "./remoting-endpoint.ts";
import type { ProcessorResult, RequestProcessor } from "./processor.ts";

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
      endpoint.logger.warn(`RPC hook doAfterResponse threw after a refused request`, hookError);
    }
    endpoint.writeResponse(conn, request, response);
    return false;
  }
}

/** The processor answered (null: no response now; it may answer later through the context). */
export function completeRequest(endpoint: RemotingEndpoint, conn: Connection, request: RemotingCommand, response: RemotingCommand | null): void {
  if (!endpoint.hooks.isEmpty) {
    try {
      endpoint.hooks.after(conn.remoteAddress, request, response);
    } catch (error) {
      failRequest(endpoint, conn, request, error);
      return;
    }
  }
  conn.requestSettled();
  if (response !== null) endpoint.writeResponse(conn, request, response);
}

/** The processor (or an after-hook) threw: answer SYSTEM_ERROR, or the code of an abort. */
export function failRequest(endpoint: RemotingEndpoint, conn: Connection, request: RemotingCommand, error: unknown): void {
  conn.requestSettled();
  if (!(error instanceof RemotingAbortProcessError)) {
    endpoint.logger.warn(`processor for code ${request.code} from ${conn.remoteAddress} failed: ${describeError(error)}`);
  }
  endpoint.writeResponse(conn, request, endpoint.errorResponseFor(error));
}

function isPromise(result: ProcessorResult): result is Promise<RemotingCommand | null> {
  return result !== null && typeof (result as Promise<unknown>).then === "function";
}

/**
 * Runs a request on the calling thread. Returns a promise when the processor is async (the request
 * is answered when it settles), undefined when it has been answered already.
 */
export function runRequest(endpoint: RemotingEndpoint, conn: Connection, request: RemotingCommand, processor: RequestProcessor): Promise<void> | undefined {
  if (!beginRequest(endpoint, conn, request)) return undefined;
  let result: ProcessorResult;
  try {
    result = typeof processor === "function" ? processor(conn, request) : processor.processRequest(conn, request);
  } catch (error) {
    failRequest(endpoint, conn, request, error);
    return undefined;
  }
  if (isPromise(result)) {
    const task = new RequestTask(endpoint, conn, request, processor);
    return result.then(
      (response) => task.complete(response),
      (error: unknown) => task.fail(error),
    );
  }
  completeRequest(endpoint, conn, request, result);
  return undefined;
}

/** A request handed to an executor, settled exactly once. */
export class RequestTask {
  private settled = false;

  constructor(
    readonly endpoint: RemotingEndpoint,
    readonly conn: Connection,
    readonly request: RemotingCommand,
    /** A processor, or a processor's name for an executor that resolves names (worker groups). */
    readonly processor: RequestProcessor | string,
  ) {}

  /**
   * Runs the before-hooks. False when one refused the request; the task is then settled (answered)
   * and the executor must not run the processor.
   */
  begin(): boolean {
    if (this.settled) return false;
    const ok = beginRequest(this.endpoint, this.conn, this.request);
    if (!ok) this.settled = true;
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
    return runRequest(this.endpoint, this.conn, this.request, processor);
  }

  complete(response: RemotingCommand | null): void {
    if (this.settled) return;
    this.settled = true;
    completeRequest(this.endpoint, this.conn, this.request, response);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    failRequest(this.endpoint, this.conn, this.request, error);
  }
}
