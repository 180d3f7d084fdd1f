import type { ExecutorTask, RequestExecutor } from "../core/inbound/executor.ts";
import { Fifo } from "../core/util/fifo.ts";
import { IdleWaiters } from "../core/util/idle-waiters.ts";
import { RemotingWorkerError } from "../errors.ts";
import { resolveWorkerGroupOptions, type WorkerExecutorGroupOptions } from "./executor-options.ts";
import { ExecutorWorker, workerError, type ExecutorWorkerEvents } from "./executor-worker.ts";
import { moduleHref } from "./module-url.ts";

/** Scans for hung workers this often (at most), and at least 4 times per taskTimeoutMs. */
const MAX_SCAN_INTERVAL_MS = 1000;
const MIN_SCAN_INTERVAL_MS = 5;

type State = "running" | "stopping" | "stopped";

/** A snapshot of a group: `group.stats`. */
export interface WorkerExecutorGroupStats {
  /** Workers that have loaded the module and take requests. */
  readyWorkers: number;
  /** Requests the workers hold. */
  inFlight: number;
  /** Requests waiting for a worker. */
  queued: number;
  /** Workers replaced after a crash or a hang. */
  restarts: number;
}

/**
 * Runs processors in a pool of worker threads (Java: the ExecutorService registered with a
 * processor): `server.registerProcessor(code, "exportName", group)`. Every worker loads `module`,
 * whose exports are the processors. RPC hooks, the response and the socket stay on the I/O thread;
 * the request and its answer cross as bytes through shared memory.
 *
 * Bounded: requests beyond what the workers hold (maxInFlightPerWorker each) wait in a queue of
 * queueCapacity; past it they are refused, and the caller is answered SYSTEM_BUSY "[OVERLOAD]".
 * A worker that crashes, or holds a request longer than taskTimeoutMs, is replaced and every
 * request it held is answered SYSTEM_ERROR. A group may serve several codes, and may be shared by
 * servers and clients; it belongs to its creator, who shuts it down.
 */
export class WorkerExecutorGroup implements RequestExecutor {
  readonly namedProcessors = true;
  /** The options in force: the given ones over WORKER_GROUP_DEFAULTS, checked and frozen. */
  readonly options: WorkerExecutorGroupOptions;
  private readonly moduleHref: string;
  private readonly workers: ExecutorWorker[];
  private readonly queue = new Fifo<ExecutorTask>();
  /** The names the module exports processors under; null until a worker has loaded it. */
  private exported: ReadonlySet<string> | null = null;
  private state: State = "running";
  /** Set when the module cannot be loaded: every request is answered with it. */
  private failure: RemotingWorkerError | null = null;
  private everReady = false;
  private restarts = 0;
  private readonly idleWaiters = new IdleWaiters();
  private scanTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly scanTask = (): void => this.scan();
  private readonly readiness: Promise<void>;
  private settleReadiness!: (error: Error | null) => void;
  private shutdownPromise: Promise<void> | null = null;
  private readonly events: ExecutorWorkerEvents = {
    onReady: (_worker, processors) => this.onWorkerReady(processors),
    onSlotFreed: () => this.pump(),
    onExit: (worker, reason, wasReady) => this.onWorkerExit(worker, reason, wasReady),
  };

  constructor(options: Partial<WorkerExecutorGroupOptions> & Pick<WorkerExecutorGroupOptions, "module">) {
    this.options = resolveWorkerGroupOptions(options);
    this.moduleHref = moduleHref(this.options.module, `WorkerExecutorGroup: option "module"`);
    this.readiness = new Promise<void>((resolve, reject) => {
      this.settleReadiness = (error) => (error === null ? resolve() : reject(error));
    });
    this.readiness.catch(() => {}); // reported through ready() and every request, not as unhandled
    this.workers = Array.from({ length: this.options.size }, (_, index) => this.spawn(index));
  }

  /**
   * Resolves once every worker has loaded the module; rejects if it cannot be loaded, or (a
   * RemotingWorkerError naming them) if it does not export every one of `processorNames`: an
   * endpoint's start() passes the names registered on it. The group itself serves the names its
   * module exports whatever else was ever registered.
   */
  async ready(processorNames: readonly string[] = []): Promise<void> {
    await this.readiness;
    const missing = processorNames.filter((name) => !this.exported!.has(name));
    if (missing.length > 0) throw workerError(this.missingMessage([...new Set(missing)]));
  }

  get stats(): WorkerExecutorGroupStats {
    let readyWorkers = 0;
    let inFlight = 0;
    for (const worker of this.workers) {
      if (worker.isReady) readyWorkers++;
      inFlight += worker.inFlight;
    }
    return { readyWorkers, inFlight, queued: this.queue.length, restarts: this.restarts };
  }

  /**
   * A processor name is being registered with this group: a TypeError at once when the module is
   * known not to export it (before it has loaded, the endpoint's start() finds out, see ready()).
   */
  requireProcessor(name: string): void {
    if (typeof name !== "string" || name === "") throw new TypeError(`${this.options.name}: a processor name must be a non-empty string`);
    if (this.exported !== null && !this.exported.has(name)) throw new TypeError(this.missingMessage([name]));
  }

  execute(task: ExecutorTask): boolean {
    if (this.state !== "running") return false;
    if (this.failure !== null || typeof task.processor !== "string") {
      task.fail(this.failure ?? new TypeError(`${this.options.name} runs processors by export name; a function cannot be sent to a worker thread`));
      return true;
    }
    const worker = this.queue.length === 0 ? this.pick() : null;
    if (worker === null && this.queue.length >= this.options.queueCapacity) return false;
    if (worker !== null) this.start(worker, task);
    else this.queue.push(task);
    return true;
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return this.idleWaiters.wait();
  }

  /**
   * Stops taking requests (they are answered SYSTEM_BUSY), waits up to `timeoutMs` for the accepted
   * ones, answers what is left SYSTEM_ERROR, and ends every thread. Idempotent; always resolves.
   */
  shutdown(timeoutMs = this.options.shutdownTimeoutMs): Promise<void> {
    this.shutdownPromise ??= this.doShutdown(timeoutMs);
    return this.shutdownPromise;
  }

  /** `await using`: shutdown() with the group's shutdownTimeoutMs when the scope ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  private async doShutdown(timeoutMs: number): Promise<void> {
    this.state = "stopping";
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.state = "stopped";
    if (this.scanTimer !== null) clearTimeout(this.scanTimer);
    this.scanTimer = null;
    const reason = workerError(`${this.options.name} shut down before the request was answered`);
    this.failQueued(reason);
    await Promise.all(this.workers.map((worker) => worker.stop(reason)));
    this.settleReadiness(reason);
    this.checkIdle();
  }

  private spawn(index: number): ExecutorWorker {
    const { name, logger, maxInFlightPerWorker, slotBytes, niceness } = this.options;
    const config = { groupName: name, logger, index, moduleHref: this.moduleHref, slots: maxInFlightPerWorker, slotBytes, niceness };
    return new ExecutorWorker(config, this.events);
  }

  /** The ready worker with the most room, or null when none has any. */
  private pick(): ExecutorWorker | null {
    let best: ExecutorWorker | null = null;
    for (const worker of this.workers) {
      if (worker.canTake && (best === null || worker.inFlight < best.inFlight)) best = worker;
    }
    return best;
  }

  /** Hands `task` to `worker`, unless its before-hooks refused it or it is no longer wanted (begin() settled it). */
  private start(worker: ExecutorWorker, task: ExecutorTask): void {
    if (!task.begin()) return;
    worker.send(task);
    if (this.scanTimer === null && worker.inFlight > 0) this.armScan();
  }

  /** Hands queued requests to workers with room; then tells idle() waiters if all is done. */
  private pump(): void {
    while (this.queue.length > 0) {
      const worker = this.pick();
      if (worker === null) break;
      this.start(worker, this.queue.take());
    }
    this.checkIdle();
  }

  private isIdle(): boolean {
    if (this.queue.length > 0) return false;
    for (const worker of this.workers) if (worker.inFlight > 0) return false;
    return true;
  }

  private checkIdle(): void {
    if (this.idleWaiters.any && this.isIdle()) this.idleWaiters.wake();
  }

  private onWorkerReady(processors: readonly string[]): void {
    this.exported ??= new Set(processors);
    if (!this.everReady && this.workers.every((worker) => worker.isReady)) {
      this.everReady = true;
      this.settleReadiness(null);
    }
    this.pump();
  }

  /**
   * A thread ended by itself. A crash is logged and the worker replaced (its requests were answered
   * already). A worker that fails to start means the module does not load: the group stops and
   * answers every request with that error rather than restarting in a loop.
   */
  private onWorkerExit(worker: ExecutorWorker, reason: RemotingWorkerError, wasReady: boolean): void {
    if (this.state === "stopped") return;
    this.options.logger.error(`${this.options.name}: ${reason.message}`);
    if (!wasReady) {
      this.failWith(workerError(`${this.options.name} cannot run module ${this.moduleHref}: ${reason.message}`, reason));
      return;
    }
    this.replace(worker);
  }

  private missingMessage(names: readonly string[]): string {
    const exported = this.exported === null || this.exported.size === 0 ? "nothing" : [...this.exported].map((n) => `"${n}"`).join(", ");
    const which = names.map((n) => `"${n}"`).join(", ");
    return `${this.options.name}: module ${this.moduleHref} exports no processor named ${which} (it exports ${exported})`;
  }

  private replace(worker: ExecutorWorker): void {
    this.restarts++;
    this.workers[worker.index] = this.spawn(worker.index);
    this.checkIdle();
  }

  private failWith(error: RemotingWorkerError): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.failQueued(error);
    for (const worker of this.workers) void worker.stop(error);
    this.settleReadiness(error);
    this.checkIdle();
  }

  private failQueued(error: RemotingWorkerError): void {
    for (const task of this.queue.takeAll()) task.fail(error);
  }

  private armScan(): void {
    if (this.state === "stopped") return;
    const interval = Math.min(MAX_SCAN_INTERVAL_MS, Math.max(MIN_SCAN_INTERVAL_MS, this.options.taskTimeoutMs / 4));
    const timer = setTimeout(this.scanTask, interval);
    (timer as { unref?: () => void }).unref?.();
    this.scanTimer = timer;
  }

  /** Replaces every worker that held a request longer than taskTimeoutMs; re-arms while any is busy. */
  private scan(): void {
    this.scanTimer = null;
    const now = performance.now();
    const limit = this.options.taskTimeoutMs;
    let busy = false;
    for (const worker of [...this.workers]) {
      if (worker.inFlight === 0) continue;
      if (now - worker.oldestSentAt() <= limit) {
        busy = true;
        continue;
      }
      const reason = workerError(`worker ${worker.index} of ${this.options.name} held a request for more than taskTimeoutMs (${limit} ms): terminated and replaced`);
      this.options.logger.warn(reason.message);
      void worker.stop(reason);
      this.replace(worker);
    }
    if (busy) this.armScan();
  }
}
