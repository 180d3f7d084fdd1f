import { Worker } from "node:worker_threads";
import type { IoWorkerLauncher, IoWorkerPool } from "../core/io-workers.ts";
import type { Logger } from "../core/observability/logger.ts";
import type { ServerOptions } from "../core/options.ts";
import { RemotingWorkerError } from "../errors.ts";
import { IO_WORKER_ENTRY } from "./entry-points.ts";
import { moduleHref } from "./module-url.ts";
import { failedError, type FromIoWorker, type IoWorkerInit, type ToIoWorker } from "./worker-messages.ts";

/** Beyond the workers' own shutdownTimeoutMs, for their setup's cleanup, before they are terminated. */
const STOP_GRACE_MS = 1000;

/** The server options a worker's own server is built with: the ones that can cross threads. */
function portableOptions(options: ServerOptions): Record<string, unknown> {
  const portable: Record<string, unknown> = { ...options };
  for (const name of ["logger", "clock", "ioWorkers", "ioWorkerModule", "host", "port", "reusePort"]) delete portable[name];
  return portable;
}

/** One I/O worker thread, from the main thread's side. */
class IoWorkerThread {
  /** Resolves with the bound port once the worker's server listens; rejects if it cannot start. */
  readonly listening: Promise<number>;
  private readonly thread: Worker;
  private readonly exited: Promise<void>;
  private isListening = false;
  private stopping = false;
  private failure: Error | null = null;

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
    this.listening.catch(() => {}); // start() reports it
    this.exited = new Promise((resolve) => this.thread.once("exit", () => resolve()));
    this.thread.on("message", (message: FromIoWorker) => {
      if (message.type === "listening") {
        this.isListening = true;
        listened(message.port);
      } else if (message.type === "log") {
        logger[message.level](`io-worker ${index}: ${message.message}`);
      } else {
        this.failure = failedError(message);
      }
    });
    this.thread.on("error", (error: Error) => {
      this.failure ??= error;
    });
    this.thread.on("exit", (code: number) => {
      const cause = this.failure;
      const detail = `(exit code ${code})${cause === null ? "" : `: ${cause.message}`}`;
      if (!this.isListening) failed(new RemotingWorkerError(`I/O worker ${index} failed to start ${detail}`, { cause }));
      else if (!this.stopping) onCrash(this, new RemotingWorkerError(`I/O worker ${index} exited ${detail}`, { cause }));
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
 * The I/O workers of one server. The first worker binds the port (0 picks one), the others join
 * it with reusePort, and the kernel spreads new connections over them. A worker that crashes is
 * replaced on the same port; its connections were lost with it.
 */
class IoWorkers implements IoWorkerPool {
  port = 0;
  private readonly threads: IoWorkerThread[] = [];
  private closing: Promise<void> | null = null;

  constructor(
    private readonly options: ServerOptions,
    private readonly moduleHref: string,
  ) {}

  async start(): Promise<void> {
    try {
      this.port = await this.spawn(0, this.options.port).listening;
      await Promise.all(Array.from({ length: this.options.ioWorkers - 1 }, (_, i) => this.spawn(i + 1, this.port).listening));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.threads.map((thread) => thread.stop(this.options.shutdownTimeoutMs + STOP_GRACE_MS))).then(() => {});
    return this.closing;
  }

  private spawn(index: number, port: number): IoWorkerThread {
    const { host, ioWorkers, logger } = this.options;
    const init: IoWorkerInit = { module: this.moduleHref, index, count: ioWorkers, host, port, options: portableOptions(this.options) };
    const thread = new IoWorkerThread(index, init, logger, (crashed, reason) => this.replace(crashed, reason));
    this.threads[index] = thread;
    return thread;
  }

  private replace(crashed: IoWorkerThread, reason: RemotingWorkerError): void {
    if (this.closing !== null) return;
    this.options.logger.error(`${reason.message}; its connections are lost, starting a replacement`);
    this.spawn(crashed.index, this.port).listening.catch((error: Error) => this.options.logger.error(`replacement for I/O worker ${crashed.index}: ${error.message}`));
  }
}

/** Starts a server's I/O workers (the Bun entry point hands this to RemotingServer). */
export const launchIoWorkers: IoWorkerLauncher = async (options) => {
  const pool = new IoWorkers(options, moduleHref(options.ioWorkerModule!, `RemotingServer: option "ioWorkerModule"`));
  await pool.start();
  return pool;
};
