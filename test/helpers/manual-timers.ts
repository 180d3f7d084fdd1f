import type { TimerHandle, Timers } from "../../src/core/time/timers.ts";

interface Pending {
  at: number;
  callback: () => void;
  seq: number;
}

/**
 * Time that moves only when a test says so: an endpoint given `timers: manual` scans, times out
 * and checks idleness exactly when advance() reaches the moment, so tests assert without sleeping.
 */
export class ManualTimers implements Timers {
  private time = 1_000;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const seq = this.seq++;
    this.pending.set(seq, { at: this.time + Math.max(0, ms), callback, seq });
    return seq;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  /** Timers armed and not yet run. */
  get armed(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order (timers they arm run too if due). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let next: Pending | null = null;
      for (const p of this.pending.values()) if (p.at <= until && (next === null || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      if (next === null) break;
      this.pending.delete(next.seq);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = until;
  }
}
