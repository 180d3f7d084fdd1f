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

/**
 * Connections opened at once: below the listen backlog (511 on Linux by default, Node's too), so
 * a case with hundreds of connections never waits for a dropped SYN to be sent again.
 */
const CONNECT_BATCH = 128;

/** Opens `count` connections with `open`, CONNECT_BATCH at a time; resolves with them in order. */
export async function openAll<T>(count: number, open: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let from = 0; from < count; from += CONNECT_BATCH) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - from) }, open))));
  }
  return out;
}
