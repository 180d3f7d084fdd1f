import type { JobCase } from "../job.ts";

/** Called once per request when its answer arrived (or the call failed). */
export type Done = (error: Error | null) => void;

/** One connection to the bench server, as the load loop uses it. */
export interface BenchConnection {
  /** Sends one request; `done` runs when it is answered. */
  call(done: Done): void;
  /** Sends one request that gets no answer; `done` runs once it was handed over (or failed). */
  oneway(done: Done): void;
  close(): Promise<void>;
}

/** Opens the connections of one case to the server on `port` (127.0.0.1), ready to use. */
export type Driver = (c: JobCase, port: number) => Promise<BenchConnection[]>;

/** Deadline of every bench call: long enough never to fire unless something hangs. */
export const CALL_TIMEOUT_MS = 30_000;
