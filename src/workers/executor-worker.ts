import { Worker } from "node:worker_threads";
import type { Logger } from "../core/observability/logger.ts";
import type { ExecutorTask } from "../core/inbound/executor.ts";
import { RemotingAbortProcessError, RemotingWorkerError } from "../errors.ts";
import { EXECUTOR_WORKER_ENTRY } from "./entry-points.ts";
import { createMailboxMemory, Mailbox } from "./mailbox.ts";
import { readFailure, readResponseCommand, RecordWriter, ResponseKind, responseKind, writeRequest, type FailureRecord } from "./task-records.ts";
import { failedError, WAKE, type ExecutorWorkerInit, type FromExecutorWorker, type ToExecutorWorker } from "./worker-messages.ts";

/** What a worker tells its group. */
export interface ExecutorWorkerEvents {
  /** The module is loaded: the worker takes requests from now on. `processors`: the names it exports processors under. */
  onReady(worker: ExecutorWorker, processors: readonly string[]): void;
  /** A request was answered, so the worker has room for another. */
  onSlotFreed(worker: ExecutorWorker): void;
  /**
   * The thread ended without being asked to (a crash, process.exit, or a module that failed to
   * load); the requests it held have been answered with `reason` already.
   */
  onExit(worker: ExecutorWorker, reason: RemotingWorkerError, wasReady: boolean): void;
}

export interface ExecutorWorkerConfig {
  groupName: string;
  logger: Logger;
  index: number;
  moduleHref: string;
  slots: number;
  slotBytes: number;
  niceness: number;
}

type State = "starting" | "ready" | "stopped";

/**
 * A RemotingWorkerError for a request's SYSTEM_ERROR remark. The remark names the first stack
 * frame, which for these is always the group's own bookkeeping, so the stack is left out.
 */
export function workerError(message: string, cause?: unknown): RemotingWorkerError {
  const error = new RemotingWorkerError(message, { cause });
  error.stack = `${error.name}: ${message}`;
  return error;
}

/** The error a FAILURE record stands for, so that the core answers as for an inline processor. */
function errorOf(failure: FailureRecord): unknown {
  if (failure.responseCode !== null) return new RemotingAbortProcessError(failure.responseCode, failure.message);
  if (failure.name === "") return failure.message; // a thrown non-Error value
  const error = new Error(failure.message);
  error.name = failure.name;
  error.stack = failure.stack ?? `${failure.name}: ${failure.message}`; // the worker's frames, not ours
  return error;
}

/**
 * One thread of a WorkerExecutorGroup, seen from the I/O thread: the requests it holds (one per
 * mailbox slot), handing them over, reading the answers, and noticing when the thread dies.
 */
export class ExecutorWorker {
  readonly index: number;
  private readonly thread: Worker;
  private readonly mailbox: Mailbox;
  private readonly writer = new RecordWriter();
  /** The request in each slot, or null when the slot is free. */
  private readonly tasks: (ExecutorTask | null)[];
  /** When each slot's request was handed over (performance.now()). */
  private readonly sentAt: Float64Array;
  /** The slots whose task is null. */
  private readonly freeSlots: number[] = [];
  private state: State = "starting";
  /** The last thing the thread reported before it ended (a load failure, an uncaught error). */
  private lastError: Error | null = null;

  constructor(
    private readonly config: ExecutorWorkerConfig,
    private readonly events: ExecutorWorkerEvents,
  ) {
    this.index = config.index;
    const memory = createMailboxMemory(config.slots, config.slotBytes);
    this.mailbox = new Mailbox(memory, () => this.thread.postMessage(WAKE));
    this.tasks = new Array<ExecutorTask | null>(config.slots).fill(null);
    this.sentAt = new Float64Array(config.slots);
    for (let slot = config.slots - 1; slot >= 0; slot--) this.freeSlots.push(slot);
    const workerData: ExecutorWorkerInit = { mailbox: memory, module: config.moduleHref, workerIndex: config.index, niceness: config.niceness };
    this.thread = new Worker(EXECUTOR_WORKER_ENTRY, { workerData, name: `${config.groupName}-${config.index}` });
    this.thread.on("message", (message: FromExecutorWorker) => this.onMessage(message));
    this.thread.on("error", (error: Error) => {
      this.lastError = error;
    });
    this.thread.on("exit", (code: number) => this.onExit(code));
  }

  /** Requests the worker holds. */
  get inFlight(): number {
    return this.tasks.length - this.freeSlots.length;
  }

  get isReady(): boolean {
    return this.state === "ready";
  }

  /** Ready, with a free slot. */
  get canTake(): boolean {
    return this.state === "ready" && this.freeSlots.length > 0;
  }

  /** Hands `task` (whose processor is a name) to the thread; the caller checked canTake. */
  send(task: ExecutorTask): void {
    const writer = this.writer;
    try {
      writeRequest(writer, task.processor as string, task.remoteAddress, task.request);
    } catch (error) {
      task.fail(error);
      return;
    }
    const slot = this.freeSlots.pop()!;
    this.tasks[slot] = task;
    this.sentAt[slot] = performance.now();
    if (this.mailbox.requests.put(slot, writer)) return;
    const record = writer.toArrayBuffer();
    const message: ToExecutorWorker = { type: "request", slot, record };
    this.thread.postMessage(message, [record]);
  }

  /** When the longest-held request was handed over; Infinity when the worker holds none. */
  oldestSentAt(): number {
    let oldest = Infinity;
    if (this.inFlight === 0) return oldest;
    for (let slot = 0; slot < this.tasks.length; slot++) {
      if (this.tasks[slot] !== null && this.sentAt[slot]! < oldest) oldest = this.sentAt[slot]!;
    }
    return oldest;
  }

  /** Ends the thread; the requests it still holds are answered with `reason` first. */
  stop(reason: RemotingWorkerError): Promise<unknown> {
    if (this.state !== "stopped") this.retire(reason);
    return this.thread.terminate();
  }

  private onMessage(message: FromExecutorWorker): void {
    if (this.state === "stopped") return;
    if (message.type === "wake") {
      this.mailbox.responses.queue.wakeUp();
    } else if (message.type === "response") {
      this.settle(message.slot, new Uint8Array(message.record), 0, message.record.byteLength);
    } else if (message.type === "ready") {
      this.state = "ready";
      this.receive().catch((error: unknown) => this.config.logger.error(`${this.config.groupName}: worker ${this.index} stopped reading answers`, error));
      this.events.onReady(this, message.processors);
    } else {
      this.lastError = failedError(message);
    }
  }

  /** Reads answers from the mailbox for as long as the worker lives. */
  private async receive(): Promise<void> {
    const queue = this.mailbox.responses.queue;
    while (this.state === "ready") {
      this.takeAnswers();
      const wait = queue.sleep();
      if (wait !== null) await wait;
    }
  }

  private takeAnswers(): void {
    const lane = this.mailbox.responses;
    let slot: number;
    while ((slot = lane.queue.take()) !== -1) this.settle(slot, lane.bytes, lane.start(slot), lane.end(slot));
  }

  /**
   * Answers the request in `slot` from the record in `b[start, end)`. A response's body is a view
   * into `b`: the answer is queued (its body copied) before the slot is freed for reuse.
   */
  private settle(slot: number, b: Uint8Array, start: number, end: number): void {
    const task = this.tasks[slot];
    if (task == null) return;
    this.tasks[slot] = null;
    try {
      const kind = responseKind(b, start);
      if (kind === ResponseKind.RESPONSE) task.complete(readResponseCommand(b, start, end));
      else if (kind === ResponseKind.NONE) task.complete(null);
      else task.fail(errorOf(readFailure(b, start, end)));
    } catch (error) {
      task.fail(error); // an undecodable record: still answered
    }
    this.freeSlots.push(slot);
    this.events.onSlotFreed(this);
  }

  private failAll(reason: RemotingWorkerError): void {
    for (let slot = 0; slot < this.tasks.length; slot++) {
      const task = this.tasks[slot];
      if (task == null) continue;
      this.tasks[slot] = null;
      this.freeSlots.push(slot);
      task.fail(reason);
    }
  }

  private onExit(code: number): void {
    if (this.state === "stopped") return;
    const wasReady = this.state === "ready";
    const cause = this.lastError;
    const what = wasReady ? "exited" : "failed to start";
    const reason = workerError(`worker ${this.index} of ${this.config.groupName} ${what} (exit code ${code})${cause === null ? "" : `: ${cause.message}`}`, cause);
    this.retire(reason);
    this.events.onExit(this, reason, wasReady);
  }

  /**
   * Takes the worker out of service: answers it gave before it died or was stopped still count,
   * every other request it holds is answered with `reason`.
   */
  private retire(reason: RemotingWorkerError): void {
    const wasReady = this.state === "ready";
    this.state = "stopped"; // first: freed slots must not be refilled
    if (wasReady) this.takeAnswers();
    this.mailbox.responses.queue.wakeUp();
    this.failAll(reason);
  }
}
