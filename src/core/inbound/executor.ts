import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { Connection } from "../connection/connection.ts";
import { Fifo } from "../util/fifo.ts";
import { IdleWaiters } from "../util/idle-waiters.ts";
import type { RequestProcessor } from "./processor.ts";
import type { RemotingEndpoint } from "../endpoint/remoting-endpoint.ts";
import { RequestTask, runRequest } from "./inbound-request.ts";

/**
 * Where processors run (Java: the ExecutorService registered with a processor). An executor takes
 * a task or refuses it when full, in which case the request is answered SYSTEM_BUSY "[OVERLOAD]".
 */
export interface RequestExecutor {
  /** Takes the task and settles it (task.complete / task.fail) exactly once, now or later. */
  execute(task: RequestTask): boolean;
  /** Whether processors can be given by name (a worker group); plain executors take functions. */
  readonly namedProcessors?: boolean;
  /** Resolves when every accepted task has settled. */
  idle(): Promise<void>;
  /** Tasks running and waiting now, for the endpoint's `stats` (optional). */
  readonly stats?: { inFlight: number; queued: number };
}

export interface EventLoopExecutorOptions {
  /** Processors running at once; an async processor holds its slot until its promise settles. */
  maxInFlight: number;
  /** Requests waiting for a slot; beyond this the executor is full. */
  maxQueued: number;
}

/**
 * The default executor: runs processors on the event loop, synchronously when a slot is free, so a
 * synchronous processor costs no promise and no queue. Bounded, so overload is answered SYSTEM_BUSY
 * instead of growing memory.
 */
export class EventLoopExecutor implements RequestExecutor {
  private inFlight = 0;
  private readonly queue = new Fifo<RequestTask>();
  private readonly idleWaiters = new IdleWaiters();
  private readonly release = (): void => this.finished();

  constructor(private readonly options: EventLoopExecutorOptions) {}

  get stats(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.queue.length };
  }

  execute(task: RequestTask): boolean {
    if (this.inFlight < this.options.maxInFlight) {
      this.start(task);
      return true;
    }
    return this.enqueue(task);
  }

  /**
   * The dispatch core's entry: like execute, but a request that can run now runs without any task
   * object (the common case: a synchronous processor with a free slot).
   */
  accept(endpoint: RemotingEndpoint, conn: Connection, request: RemotingCommand, processor: RequestProcessor): boolean {
    if (this.inFlight >= this.options.maxInFlight) return this.enqueue(new RequestTask(endpoint, conn, request, processor));
    this.inFlight++;
    const pending = runRequest(endpoint, conn, request, processor);
    if (pending === undefined) this.finished();
    else pending.then(this.release, this.release);
    return true;
  }

  private enqueue(task: RequestTask): boolean {
    if (this.queue.length >= this.options.maxQueued) return false;
    this.queue.push(task);
    return true;
  }

  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return this.idleWaiters.wait();
  }

  private start(task: RequestTask): void {
    this.inFlight++;
    const pending = task.run();
    if (pending === undefined) this.finished();
    else pending.then(this.release, this.release);
  }

  private finished(): void {
    this.inFlight--;
    if (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      this.start(this.queue.take());
    } else if (this.inFlight === 0 && this.queue.length === 0 && this.idleWaiters.any) {
      this.idleWaiters.wake();
    }
  }
}
