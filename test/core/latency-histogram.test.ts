import { expect, test } from "bun:test";
import { LatencyHistogram } from "../../src/core/observability/latency-histogram.ts";
import { Random } from "../helpers/random.ts";

test("percentiles are at most 12.5% above the true value (never below it), max is exact, odd inputs do not break it", () => {
  const r = new Random(12);
  for (let run = 0; run < 50; run++) {
    const h = new LatencyHistogram();
    const values = Array.from({ length: r.int(1, 2000) }, () => (r.bool(0.1) ? 0 : Math.exp(r.next() * 16 - 7))); // ~1 µs .. ~10 s
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const truth = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
      const got = h.percentile(q);
      expect(got).toBeGreaterThanOrEqual(truth - 0.001); // 1 µs resolution
      expect(got).toBeLessThanOrEqual(truth * 1.125 + 0.001); // a bucket is 1/8 of its octave wide
    }
    expect(h.summary().max).toBe(Math.round(sorted.at(-1)! * 1000) / 1000);
    expect(h.summary().count).toBe(values.length);
    expect(h.summary().sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 2);
  }
  const odd = new LatencyHistogram();
  for (const v of [NaN, -5, 0, 1e12]) odd.record(v);
  expect(odd.summary()).toEqual({ count: 4, sum: 1e12, p50: 0, p90: 1e12, p99: 1e12, max: 1e12 }); // NaN and negatives add nothing
  expect(new LatencyHistogram().summary()).toEqual({ count: 0, sum: 0, p50: 0, p90: 0, p99: 0, max: 0 });
});
