import type { LatencyUs } from "./job.ts";

/**
 * Per-request latency samples (µs) and their exact percentiles. mitata's percentiles would be of
 * batch means for calls this fast (platform notes §4), so the e2e bench keeps every sample.
 */
export class LatencySamples {
  private values = new Float64Array(1 << 16);
  private count = 0;

  add(us: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = us;
  }

  /** p50 / p99 / p999 (nearest rank; NaN without samples). */
  summary(): LatencyUs {
    const sorted = this.values.subarray(0, this.count).sort();
    const at = (p: number): number => (this.count === 0 ? NaN : sorted[Math.min(this.count - 1, Math.ceil((p / 100) * this.count) - 1)]!);
    return { p50: at(50), p99: at(99), p999: at(99.9), samples: this.count };
  }
}
