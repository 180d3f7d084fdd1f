/**
 * The files worker threads start from. Under Bun they are the TypeScript sources beside this file;
 * a build for Node must emit them as .js files beside the module that contains this one.
 */
const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";

/** Runs processors for a WorkerExecutorGroup (runtime-neutral: node:worker_threads). */
export const EXECUTOR_WORKER_ENTRY = new URL(`./worker-entry${extension}`, import.meta.url);
/** Runs one I/O worker of startIoWorkers: a RemotingServer on the shared port (reusePort: Bun, or Node 22.12+). */
export const IO_WORKER_ENTRY = new URL(`./io-worker-entry${extension}`, import.meta.url);
