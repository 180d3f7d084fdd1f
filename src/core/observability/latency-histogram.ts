/**
 * A fixed-size log-linear histogram of durations: 8 buckets per power of two of microseconds, so a
 * percentile is off by at most 12.5%, from 1 µs to ~36 minutes in 232 counters. Recording is a few
 * integer operations and no allocation.
 */
const SUB_BITS = 3;
const SUB = 1 << SUB_BITS;
/** Longer durations are recorded as this (~36 minutes). */
const MAX_US = 2 ** 31 - 1;

/** Percentiles of one histogram, in milliseconds (µs resolution). */
export interface LatencySummary {
  /** Durations recorded. */
  count: number;
  /** Their total (ms): with count, the mean (and Prometheus' _sum). */
  sum: number;
  /** The median (ms): at most 12.5% above the true value (the histogram's bucket width). */
  p50: number;
  /** The 90th percentile (ms), to the same precision. */
  p90: number;
  /** The 99th percentile (ms), to the same precision. */
  p99: number;
  /** The longest duration recorded (exact). */
  max: number;
}

/** Milliseconds rounded to whole microseconds (the clock's float noise is not information). */
const toUs = (ms: number): number => Math.round(ms * 1000) / 1000;

function bucketOf(us: number): number {
  if (us < SUB) return us;
  const octave = 31 - Math.clz32(us);
  return (octave - SUB_BITS + 1) * SUB + ((us >>> (octave - SUB_BITS)) & (SUB - 1));
}

/** The largest duration (µs) that falls into bucket `i`. */
function bucketTop(i: number): number {
  if (i < SUB) return i;
  const octave = (i >> SUB_BITS) + SUB_BITS - 1;
  return (SUB + (i & (SUB - 1)) + 1) * 2 ** (octave - SUB_BITS) - 1;
}

/** Values below SUB µs get one bucket each, then SUB buckets per octave up to MAX_US. */
const BUCKETS = bucketOf(MAX_US) + 1;

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private count = 0;
  private sumMs = 0;
  private maxMs = 0;

  record(ms: number): void {
    this.count++;
    if (ms > 0) this.sumMs += ms;
    const us = ms * 1000;
    if (!(us >= 1)) {
      this.counts[0]!++; // below 1 µs (the usual case with the coarse clock), NaN, clock skew
      return;
    }
    this.counts[us < MAX_US ? bucketOf(us | 0) : BUCKETS - 1]!++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** The duration (ms) below which a fraction `q` of the recorded ones fall, at bucket resolution. */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === BUCKETS - 1 ? this.maxMs : Math.min(bucketTop(i) / 1000, this.maxMs);
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return { count: this.count, sum: toUs(this.sumMs), p50: toUs(this.percentile(0.5)), p90: toUs(this.percentile(0.9)), p99: toUs(this.percentile(0.99)), max: toUs(this.maxMs) };
  }
}
