import type { Logger } from "../../src/surface.ts";

/**
 * Observation helpers for scenarios that must show a bound holds or a thing is let go: a logger
 * that records, a sampler that keeps the largest value seen, a full garbage collection where the
 * runtime offers one. Runtime-neutral and free of library values (the Node build uses them too).
 */

/** A logger that drops debug and info and records warnings and errors. */
export function recordingLogger(): { logger: Logger; warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (message: string) => void warnings.push(message),
    error: (message: string) => void errors.push(message),
  };
  return { logger, warnings, errors };
}

/** Reads `read()` every millisecond (timers permitting) and keeps the largest value, until stopped. */
export function sampleMax(read: () => number): { readonly max: number; stop(): number } {
  let max = read();
  const timer = setInterval(() => {
    const value = read();
    if (value > max) max = value;
  }, 1);
  return {
    get max() {
      return max;
    },
    stop() {
      clearInterval(timer);
      const value = read();
      if (value > max) max = value;
      return max;
    },
  };
}

/**
 * A full, synchronous garbage collection: Bun.gc(true) under Bun, global.gc under a Node started
 * with --expose-gc. False when the runtime offers none (then only stats can be checked).
 */
export function collectGarbage(): boolean {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (g.Bun !== undefined) {
    g.Bun.gc(true);
    return true;
  }
  if (typeof g.gc === "function") {
    g.gc();
    return true;
  }
  return false;
}

/**
 * Counts how many of the values it tracks the garbage collector has freed. A FinalizationRegistry,
 * not WeakRefs: a WeakRef keeps its target alive until the runtime next clears its kept objects,
 * which Bun does not do after every job, so deref() can see values nothing else holds.
 */
export class CollectionWatch {
  private tracked = 0;
  private collected = 0;
  private readonly registry = new FinalizationRegistry<null>(() => void this.collected++);

  track<T extends object>(value: T): T {
    this.registry.register(value, null);
    this.tracked++;
    return value;
  }

  /**
   * Collects garbage until at most `allowed` tracked values are left, or `timeoutMs` passed (the
   * registry reports freed values after the collection, in a later task). Resolves with how many
   * are left, or null where the runtime offers no collection.
   */
  async settle(allowed: number, timeoutMs = 2000): Promise<number | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (!collectGarbage()) return null;
      const left = this.tracked - this.collected;
      if (left <= allowed || performance.now() > deadline) return left;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Keeps the thread busy for `ms` without yielding (a processor or caller doing synchronous work). */
export function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}
