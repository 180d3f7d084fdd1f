import { RemotingAbortProcessError } from "../errors.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import type { Connection } from "./connection.ts";
import { describeError } from "./describe-error.ts";
import type { RemotingEndpoint } from "./remoting-endpoint.ts";
import type { RequestProcessor } from "./processor.ts";

/**
 * One inbound request on its way through an executor (Java's RequestTask): before-hooks, the
 * processor, after-hooks, then the response, or SYSTEM_ERROR when anything throws. Settles once.
 */
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
    const hooks = this.endpoint.hooks;
    if (hooks.isEmpty) return true;
    try {
      hooks.before(this.conn.remoteAddress, this.request);
      return true;
    } catch (error) {
      this.settled = true;
      const response = this.endpoint.errorResponseFor(error);
      try {
        hooks.after(this.conn.remoteAddress, this.request, response);
      } catch (hookError) {
        this.endpoint.logger.warn(`RPC hook doAfterResponse threw after a refused request`, hookError);
      }
      this.endpoint.writeResponse(this.conn, this.request, response);
      return false;
    }
  }

  /**
   * Runs the whole task on the calling thread. Returns a promise when the processor is async (the
   * task settles when it does), undefined when the task is already settled.
   */
  run(): Promise<void> | undefined {
    if (!this.begin()) return undefined;
    const processor = this.processor;
    if (typeof processor === "string") {
      this.fail(new TypeError(`processor "${processor}" is a worker processor name, but its executor runs functions`));
      return undefined;
    }
    let result;
    try {
      result =
        typeof processor === "function" ? processor(this.conn, this.request) : processor.processRequest(this.conn, this.request);
    } catch (error) {
      this.fail(error);
      return undefined;
    }
    if (result !== null && typeof (result as Promise<unknown>).then === "function") {
      return (result as Promise<RemotingCommand | null>).then(
        (response) => this.complete(response),
        (error: unknown) => this.fail(error),
      );
    }
    this.complete(result as RemotingCommand | null);
    return undefined;
  }

  /** The processor answered (null: no response now; it may answer later through the context). */
  complete(response: RemotingCommand | null): void {
    if (this.settled) return;
    this.settled = true;
    const endpoint = this.endpoint;
    if (!endpoint.hooks.isEmpty) {
      try {
        endpoint.hooks.after(this.conn.remoteAddress, this.request, response);
      } catch (error) {
        this.settled = false;
        this.fail(error);
        return;
      }
    }
    if (response !== null) endpoint.writeResponse(this.conn, this.request, response);
  }

  /** The processor (or an after-hook) threw: answer SYSTEM_ERROR, or the code of an abort. */
  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (!(error instanceof RemotingAbortProcessError)) {
      this.endpoint.logger.warn(`processor for code ${this.request.code} from ${this.conn.remoteAddress} failed: ${describeError(error)}`);
    }
    this.endpoint.writeResponse(this.conn, this.request, this.endpoint.errorResponseFor(error));
  }
}
