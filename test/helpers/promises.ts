import type { InvokeCallback, RemotingCommand } from "../../src/surface.ts";

/**
 * Promise helpers for tests that await events instead of sleeping. Runtime-neutral and free of
 * library values, so the Node scenario build can use them against the built package.
 */

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  settled: boolean;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve: (v) => {
      d.settled = true;
      resolve(v);
    },
    reject: (e) => {
      d.settled = true;
      reject(e);
    },
  };
  return d;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once every channel event emitted so far in this process has been delivered: the event
 * queue hands them over on a 0 ms timer, and 0 ms timers run in the order they were set.
 */
export const channelEventsDelivered = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what = "condition", timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

/** Resolves with the promise's value, or fails if it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what = "promise"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

export interface AsyncCall {
  /** Settles with the first callback's arguments. */
  done: Promise<{ error: Error | null; response: RemotingCommand | undefined; at: number }>;
  /** How often the callback ran so far (must end up exactly 1). */
  calls(): number;
  /** performance.now() just before the invoke. */
  startedAt: number;
}

/**
 * Runs an invokeAsync-style call (`start` gets the callback) and records its callback:
 * `asyncCall((cb) => client.invokeAsync(addr, request, 100, cb))`.
 */
export function asyncCall(start: (callback: InvokeCallback) => void): AsyncCall {
  let calls = 0;
  const d = deferred<{ error: Error | null; response: RemotingCommand | undefined; at: number }>();
  const startedAt = performance.now();
  start((error, response) => {
    calls++;
    if (calls === 1) d.resolve({ error, response, at: performance.now() });
  });
  return { done: d.promise, calls: () => calls, startedAt };
}
