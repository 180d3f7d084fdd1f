import type { SlotQueue } from "./mailbox.ts";

/** How long an answer may wait for others to wake the I/O thread with it, while requests are queued. */
const WAKE_WINDOW_MS = 1;

/**
 * Wakes the I/O thread for several answers at once while the worker works through queued requests:
 * each wake-up costs a system call here and a turn of the I/O thread's event loop (tens of µs
 * together), a large share of a short processor. Answers are published at once (an I/O thread that
 * is awake takes them), and the sleeping I/O thread is woken when the worker runs out of requests,
 * or before a request whose processor usually runs past what is left of WAKE_WINDOW_MS.
 */
export class Waker {
  /** When the oldest answer published without a wake-up was; -1 when there is none. */
  private since = -1;

  constructor(private readonly queue: SlotQueue) {}

  published(): void {
    if (this.since < 0) this.since = performance.now();
  }

  /** Before running a processor that usually takes `expectedMs`. */
  beforeRun(now: number, expectedMs: number): void {
    if (this.since >= 0 && now - this.since + expectedMs > WAKE_WINDOW_MS) this.wake();
  }

  wake(): void {
    if (this.since < 0) return;
    this.since = -1;
    this.queue.wake();
  }
}
