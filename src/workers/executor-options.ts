import { integer, logger, moduleLocation, resolveOptions, string, type Check, type ModuleLocation } from "../core/options.ts";
import { defaultLogger, type Logger } from "../core/observability/logger.ts";
import { LARGE_BODY_BYTES } from "../core/connection/write-queue.ts";

/** Options of a WorkerExecutorGroup. Times in ms, sizes in bytes. */
export interface WorkerExecutorGroupOptions {
  /**
   * The module every worker loads; its exports are the processors, by name. A URL (e.g.
   * `new URL("./processors.ts", import.meta.url)`), a file: URL string, or an absolute path.
   */
  module: ModuleLocation;
  /** Worker threads. */
  size: number;
  /** Requests waiting for a worker, beyond those the workers hold; past it: SYSTEM_BUSY "[OVERLOAD]". */
  queueCapacity: number;
  /**
   * Requests one worker holds at once: its own short queue (so it never waits for the I/O thread
   * between two requests), and how many of its async processors run concurrently.
   */
  maxInFlightPerWorker: number;
  /**
   * A worker still holding a request this long after it was handed over (time spent behind the
   * worker's other requests included) is hung: it is terminated and replaced, and every request it
   * held is answered SYSTEM_ERROR. The server cannot know its clients' timeouts; keep this above
   * the slowest legitimate processor and below what clients wait (RocketMQ clients: 3 s by default).
   */
  taskTimeoutMs: number;
  /**
   * Requests and responses up to this size (header and body) travel through shared memory; larger
   * ones are transferred as ArrayBuffers. At most 64 KiB: a connection copies bodies that small into
   * its own write buffer at once, so a slot can be reused as soon as its answer is queued.
   */
  slotBytes: number;
  /**
   * Scheduling niceness of the worker threads, 0 to 19 (Linux only, where it applies to each thread
   * alone). Above 0, a thread that wakes up (the I/O thread with a new request, a client on the
   * same machine) takes the CPU from busy workers at once instead of after their time slice (a few
   * ms), so CPU-bound processors in a group do not delay the I/O thread's answers. Workers still
   * get every CPU cycle nothing else wants; against other busy processes they get a smaller share
   * (0 competes as an equal).
   */
  niceness: number;
  /** shutdown() waits this long for accepted requests before failing what is left. */
  shutdownTimeoutMs: number;
  /** Names the group's threads and its log lines. */
  name: string;
  /** Where the group logs workers that crashed or hung (error and warn; they are replaced). Default defaultLogger. */
  logger: Logger;
}

/** Every WorkerExecutorGroup option's default but `module` (frozen); the README's table lists them. */
export const WORKER_GROUP_DEFAULTS: Readonly<Omit<WorkerExecutorGroupOptions, "module">> = Object.freeze({
  size: 1,
  queueCapacity: 1024,
  maxInFlightPerWorker: 16,
  taskTimeoutMs: 10_000,
  slotBytes: 16 * 1024,
  niceness: 10,
  shutdownTimeoutMs: 5_000,
  name: "worker-group",
  logger: defaultLogger,
});

const checks: Record<keyof WorkerExecutorGroupOptions, Check> = {
  module: moduleLocation,
  size: integer(1, 256),
  queueCapacity: integer(0),
  maxInFlightPerWorker: integer(1, 4096),
  taskTimeoutMs: integer(1),
  slotBytes: integer(256, LARGE_BODY_BYTES),
  niceness: integer(0, 19),
  shutdownTimeoutMs: integer(0),
  name: string,
  logger,
};

/** Shared memory per worker is 2 × maxInFlightPerWorker × slotBytes; this much is surely a mistake. */
const MAX_MAILBOX_BYTES = 256 * 1024 * 1024;

export function resolveWorkerGroupOptions(given: Partial<WorkerExecutorGroupOptions> | undefined): WorkerExecutorGroupOptions {
  if (given?.module === undefined) throw new TypeError(`WorkerExecutorGroup: option "module" is required: the module that exports the processors`);
  const options = resolveOptions("WorkerExecutorGroup", { ...WORKER_GROUP_DEFAULTS, module: given.module }, checks, given);
  const mailboxBytes = 2 * options.maxInFlightPerWorker * options.slotBytes;
  if (mailboxBytes > MAX_MAILBOX_BYTES) {
    throw new TypeError(
      `WorkerExecutorGroup: options "maxInFlightPerWorker" (${options.maxInFlightPerWorker}) and "slotBytes" (${options.slotBytes}) would give each worker ${mailboxBytes} bytes of shared memory (2 × one times the other); at most ${MAX_MAILBOX_BYTES}`,
    );
  }
  return options;
}
