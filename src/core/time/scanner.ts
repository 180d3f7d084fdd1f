import type { TimerHandle, Timers } from "./timers.ts";

/**
 * One timer per endpoint for everything time-driven (Java's scanResponseTable): armed for the
 * earliest thing due, never per request. `scan(now)` does the work and says when it is next due.
 */
export class Scanner {
  private timer: TimerHandle | null = null;
  private dueAt = Infinity;
  private stopped = false;
  private readonly fire = (): void => this.run();

  constructor(
    private readonly timers: Timers,
    /** Things due closer together than this share one scan. */
    private readonly minSpacingMs: number,
    private readonly scan: (now: number) => number,
  ) {}

  /** Makes sure a scan runs at `at` (or up to minSpacingMs later), unless one is due sooner. */
  arm(at: number): void {
    if (this.stopped || at >= this.dueAt) return;
    const now = this.timers.now();
    const due = Math.max(at, now + this.minSpacingMs);
    if (due >= this.dueAt) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = this.timers.setTimeout(this.fire, due - now);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = Infinity;
  }

  private run(): void {
    this.timer = null;
    this.dueAt = Infinity;
    if (this.stopped) return;
    this.arm(this.scan(this.timers.now()));
  }
}
