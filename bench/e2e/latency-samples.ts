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

  /** The p-th percentile (nearest rank), NaN without samples. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const sorted = this.values.subarray(0, this.count).sort();
    return sorted[Math.min(this.count - 1, Math.ceil((p / 100) * this.count) - 1)]!;
  }
}
