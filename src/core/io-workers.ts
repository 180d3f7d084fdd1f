import type { ServerOptions } from "./options.ts";

/**
 * I/O workers (ServerOptions.ioWorkers): threads that each run their own RemotingServer on the
 * same port, so that connections spread over cores. The core only starts and stops them through
 * this interface; a runtime's entry point supplies the threads.
 */
export interface IoWorkerPool {
  /** The port every worker listens on. */
  readonly port: number;
  /** Shuts every worker's server down (each drains as server.shutdown() does), then ends the threads. */
  close(): Promise<void>;
}

/** Starts the I/O workers for a server's options; resolves once all of them listen. */
export type IoWorkerLauncher = (options: ServerOptions) => Promise<IoWorkerPool>;
