import { Worker } from "node:worker_threads";
import { mergeStats } from "../core/observability/merge-stats.ts";
import { defaultLogger, type Logger } from "../core/observability/logger.ts";
import type { RemotingStats } from "../core/observability/remoting-stats.ts";
import { integer, moduleLocation, resolveServerOptions, type ModuleLocation, type ServerOptions } from "../core/options.ts";
import { RemotingWorkerError } from "../errors.ts";
import { IO_WORKER_ENTRY } from "./entry-points.ts";
import { moduleHref } from "./module-url.ts";
import { failedError, type FromIoWorker, type IoWorkerInit, type ToIoWorker } from "./worker-messages.ts";

/** Beyond the workers' own shutdownTimeoutMs, for their setup's cleanup, before they are terminated. */
const STOP_GRACE_MS = 1000;

/** Options of startIoWorkers: the module and thread count, and the server options every worker's server gets. */
export interface IoWorkersOptions extends Partial<Omit<ServerOptions, "logger" | "timers" | "reusePort" | "unix">> {
  /** The module each worker loads; it exports `setup(server, worker)` (see IoWorkerSetup). A URL, a file: URL or an absolute path. */
  module: ModuleLocation;
  /** Worker threads, each running its own RemotingServer on the shared port. */
  workers: number;
  /** Where the workers' log lines go (on this thread). */
  logger?: Logger;
}

/** Running I/O workers (see startIoWorkers). */
export interface IoWorkers {
  /** The port every worker listens on. */
  readonly port: number;
  /** The number of worker threads. */
  readonly workers: number;
  /** The workers' servers' stats, summed (latency percentiles: the largest worker's). */
  stats(): Promise<RemotingStats>;
  /** Shuts every worker's server down (each drains as server.shutdown() does), then ends the threads. Idempotent. */
  shutdown(): Promise<void>;
  /** `await using`: shutdown() when the scope ends. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** One I/O worker thread, from this thread's side. */
class IoWorkerThread {
  /** Resolves with the bound port once the worker's server listens; rejects if it cannot start. */
  readonly listening: Promise<number>;
  private readonly thread: Worker;
  private readonly exited: Promise<void>;
  private isListening = false;
  private stopping = false;
  private failure: Error | null = null;
  private nextQuery = 0;
  private readonly queries = new Map<number, (stats: RemotingStats | null) => void>();

  constructor(
    readonly index: number,
    init: IoWorkerInit,
    logger: Logger,
    onCrash: (thread: IoWorkerThread, reason: RemotingWorkerError) => void,
  ) {
    this.thread = new Worker(IO_WORKER_ENTRY, { workerData: init, name: `io-worker-${index}` });
    let listened!: (port: number) => void;
    let failed!: (error: Error) => void;
    this.listening = new Promise<number>((resolve, reject) => {
      listened = resolve;
      failed = reject;
    });
    this.listening.catch(() => {}); // startIoWorkers reports it
    this.exited = new Promise((resolve) => this.thread.once("exit", () => resolve()));
    this.thread.on("message", (message: FromIoWorker) => {
      if (message.type === "listening") {
        this.isListening = true;
        listened(message.port);
      } else if (message.type === "log") {
        logger[message.level](`io-worker ${index}: ${message.message}`);
      } else if (message.type === "stats") {
        this.queries.get(message.id)?.(message.stats);
        this.queries.delete(message.id);
      } else {
        this.failure = failedError(message);
      }
    });
    this.thread.on("error", (error: Error) => {
      this.failure ??= error;
    });
    this.thread.on("exit", (code: number) => {
      for (const answer of this.queries.values()) answer(null);
      this.queries.clear();
      const cause = this.failure;
      const detail = `(exit code ${code})${cause === null ? "" : `: ${cause.message}`}`;
      if (!this.isListening) failed(new RemotingWorkerError(`I/O worker ${index} failed to start ${detail}`, { cause }));
      else if (!this.stopping) onCrash(this, new RemotingWorkerError(`I/O worker ${index} exited ${detail}`, { cause }));
    });
  }

  /** This worker's server stats; null when it is gone. */
  stats(): Promise<RemotingStats | null> {
    if (!this.isListening || this.stopping) return Promise.resolve(null);
    const id = this.nextQuery++;
    return new Promise((resolve) => {
      this.queries.set(id, resolve);
      const message: ToIoWorker = { type: "stats", id };
      this.thread.postMessage(message);
    });
  }

  /** Asks the worker's server to shut down, waits up to `graceMs`, then ends the thread. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.isListening) {
      const message: ToIoWorker = { type: "shutdown" };
      this.thread.postMessage(message);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    await this.thread.terminate();
  }
}

/**
 * The I/O workers of one port. The first worker binds it (port 0 picks one), the others join it
 * with reusePort, and the kernel spreads new connections over them. A worker that crashes is
 * replaced on the same port; its connections were lost with it.
 */
class IoWorkerPool implements IoWorkers {
  port = 0;
  private readonly threads: IoWorkerThread[] = [];
  private closing: Promise<void> | null = null;

  constructor(
    readonly workers: number,
    private readonly moduleHref: string,
    private readonly options: ServerOptions,
    /** The options as given: what crosses to the threads (validated by resolveServerOptions already). */
    private readonly portable: Record<string, unknown>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    try {
      this.port = await this.spawn(0, this.options.port).listening;
      await Promise.all(Array.from({ length: this.workers - 1 }, (_, i) => this.spawn(i + 1, this.port).listening));
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  async stats(): Promise<RemotingStats> {
    const parts = await Promise.all(this.threads.map((thread) => thread.stats()));
    return mergeStats(parts.filter((part): part is RemotingStats => part !== null));
  }

  shutdown(): Promise<void> {
    this.closing ??= Promise.all(this.threads.map((thread) => thread.stop(this.options.shutdownTimeoutMs + STOP_GRACE_MS))).then(() => {});
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  private spawn(index: number, port: number): IoWorkerThread {
    const init: IoWorkerInit = { module: this.moduleHref, index, count: this.workers, host: this.options.host, port, options: this.portable };
    const thread = new IoWorkerThread(index, init, this.logger, (crashed, reason) => this.replace(crashed, reason));
    this.threads[index] = thread;
    return thread;
  }

  private replace(crashed: IoWorkerThread, reason: RemotingWorkerError): void {
    if (this.closing !== null) return;
    this.logger.error(`${reason.message}; its connections are lost, starting a replacement`);
    this.spawn(crashed.index, this.port).listening.catch((error: Error) => this.logger.error(`replacement for I/O worker ${crashed.index}: ${error.message}`));
  }
}

const workerCount = integer(1, 256);

/**
 * Serves one port from several threads: each of `workers` threads runs its own RemotingServer on
 * the port (SO_REUSEPORT), set up by `module`'s setup(server, worker), so connections spread over
 * cores. Resolves once every worker listens; rejects with the first worker's failure. Needs a
 * runtime whose listeners support reusePort (Bun; Node 22.12 and later).
 */
export async function startIoWorkers(options: IoWorkersOptions): Promise<IoWorkers> {
  if (typeof options !== "object" || options === null) throw new TypeError("startIoWorkers: options must be an object with module and workers");
  const { module, workers, logger = defaultLogger, ...serverOptions } = options;
  const countProblem = workerCount(workers);
  if (countProblem !== null) throw new TypeError(`startIoWorkers: option "workers" must be ${countProblem}, got ${String(workers)}`);
  if (moduleLocation(module) !== null) throw new TypeError(`startIoWorkers: option "module" must be a URL or a path string`);
  if ((serverOptions as { unix?: unknown }).unix != null) {
    throw new TypeError('startIoWorkers: option "unix" cannot be used: the workers share a TCP port (SO_REUSEPORT), which a unix socket cannot');
  }
  const resolved = resolveServerOptions(serverOptions);
  const pool = new IoWorkerPool(workers, moduleHref(module, `startIoWorkers: option "module"`), resolved, serverOptions, logger);
  await pool.start();
  return pool;
}
