import type { Logger } from "./logger.ts";

/**
 * Keeps messages whose frequency a peer controls (garbage on a connection, processors failing on
 * bad input) from flooding the log: at most `limit` per window; the first message of a later
 * window says how many were held back.
 */
export class LogThrottle {
  private windowStart = -Infinity;
  private passed = 0;
  private suppressed = 0;

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 10_000,
  ) {}

  /** Logs `message` at warn level unless the window's budget is spent. */
  warn(logger: Logger, now: number, message: string, ...details: unknown[]): void {
    if (now - this.windowStart >= this.windowMs) {
      const held = this.suppressed;
      this.windowStart = now;
      this.passed = 0;
      this.suppressed = 0;
      if (held > 0) message = `${message} (${held} similar messages suppressed before this one)`;
    }
    if (this.passed >= this.limit) {
      this.suppressed++;
      return;
    }
    this.passed++;
    logger.warn(message, ...details);
  }
}
