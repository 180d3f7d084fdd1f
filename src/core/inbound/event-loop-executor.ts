import { Fifo } from "../util/fifo.ts";
import { IdleWaiters } from "../util/idle-waiters.ts";
import type { ExecutorStats, ExecutorTask, RequestExecutor } from "./executor.ts";

/** The bounds of an EventLoopExecutor (an endpoint's default executor takes maxInFlightRequests and maxQueuedRequests). */
export interface EventLoopExecutorOptions {
  /** Processors running at once; an async processor holds its slot until its request is done. */
  maxInFlight: number;
  /** Requests waiting for a slot; beyond this the executor is full. */
  maxQueued: number;
}

/** The inbound path's own access to an EventLoopExecutor's slots (set in the class's static block): not part of its API. */
let freeNow: (executor: EventLoopExecutor) => boolean;
let occupy: (executor: EventLoopExecutor) => () => void;

/** Whether `executor` would start a task at once (a slot free, nobody queued). */
export function hasFreeSlot(executor: EventLoopExecutor): boolean {
  return freeNow(executor);
}

/** Takes a slot for a processor already running (see Inbound's serveAtOnce); the returned callback gives it back. */
export function takeSlot(executor: EventLoopExecutor): () => void {
  return occupy(executor);
}

/**
 * The default executor: runs processors on the event loop, at once when a slot is free, so a
 * synchronous processor costs no queue and no promise. Bounded, so overload is answered
 * SYSTEM_BUSY instead of growing memory. A slot is given back when its task calls `settled`,
 * which the task does exactly once however its processor ends (or never ends: a task is also done
 * when its connection closes).
 */
export class EventLoopExecutor implements RequestExecutor {
  private inFlight = 0;
  private readonly queue = new Fifo<ExecutorTask>();
  private readonly idleWaiters = new IdleWaiters();
  /** True while start() runs tasks, so a task settling inside it does not start the next one recursively. */
  private starting = false;
  private readonly settled = (): void => {
    this.inFlight--;
    if (this.queue.length > 0) this.startQueued();
    else if (this.inFlight === 0 && this.idleWaiters.any) this.idleWaiters.wake();
  };

  constructor(private readonly options: EventLoopExecutorOptions) {}

  static {
    freeNow = (executor) => executor.inFlight < executor.options.maxInFlight && executor.queue.length === 0;
    occupy = (executor) => {
      executor.inFlight++;
      return executor.settled;
    };
  }

  /** Tasks running now (an async processor's until its request is done) and tasks waiting for a slot. */
  get stats(): ExecutorStats {
    return { inFlight: this.inFlight, queued: this.queue.length };
  }

  execute(task: ExecutorTask): boolean {
    if (this.inFlight < this.options.maxInFlight && this.queue.length === 0) {
      this.inFlight++;
      task.run(this.settled);
      return true;
    }
    if (this.queue.length >= this.options.maxQueued) return false;
    this.queue.push(task);
    return true;
  }

  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return this.idleWaiters.wait();
  }

  /** Starts queued tasks while slots are free (a loop, not recursion: a long queue of quick tasks must not grow the stack). */
  private startQueued(): void {
    if (this.starting) return;
    this.starting = true;
    try {
      while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
        this.inFlight++;
        this.queue.take().run(this.settled);
      }
    } finally {
      this.starting = false;
    }
    if (this.inFlight === 0 && this.queue.length === 0 && this.idleWaiters.any) this.idleWaiters.wake();
  }
}
