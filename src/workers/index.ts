/// <reference lib="esnext.disposable" preserve="true" />
// (WorkerExecutorGroup is AsyncDisposable: see src/surface.ts)
export { WORKER_GROUP_DEFAULTS, type WorkerExecutorGroupOptions } from "./executor-options.ts";
export type { ModuleLocation } from "../core/options.ts";
export { WorkerExecutorGroup, type WorkerExecutorGroupStats } from "./worker-executor-group.ts";
export type { WorkerProcessor, WorkerProcessorContext, WorkerProcessorFunction, WorkerProcessorObject } from "./worker-processor.ts";
export type { IoWorkerCleanup, IoWorkerInfo, IoWorkerServer, IoWorkerSetup } from "./io-worker-setup.ts";
export { startIoWorkers, type IoWorkers, type IoWorkersOptions } from "./io-workers.ts";
