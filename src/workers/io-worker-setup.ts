import type { RemotingServer } from "../core/endpoint/remoting-server.ts";
import type { Logger } from "../core/observability/logger.ts";

/** Which I/O worker a setup function runs in. */
export interface IoWorkerInfo {
  /** 0-based; a replacement for a crashed worker keeps the index. */
  readonly index: number;
  /** How many I/O workers serve the port (startIoWorkers' `workers`). */
  readonly count: number;
  /** Logs to the logger given to startIoWorkers (on the main thread). */
  readonly logger: Logger;
}

/**
 * The server an I/O worker's setup configures: a RemotingServer (the package root's type) on the
 * sockets of the runtime the worker runs on, listening with reusePort once setup returns.
 */
export interface IoWorkerServer extends RemotingServer {}

/** What to run when the worker's server has shut down (e.g. shut down the groups setup created). */
export type IoWorkerCleanup = () => void | Promise<void>;

/**
 * The function an I/O workers module exports (as `setup`, or as its default export). It runs in
 * every I/O worker before its server starts, and registers processors, hooks and channel listeners
 * on that worker's own server, exactly as on any server.
 */
export type IoWorkerSetup = (server: IoWorkerServer, worker: IoWorkerInfo) => void | IoWorkerCleanup | Promise<void | IoWorkerCleanup>;
