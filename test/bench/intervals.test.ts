import { describe, expect, test } from "bun:test";
import { timeIntervals } from "../../bench/e2e/intervals.ts";

describe("the end-to-end load's sample timing", () => {
  test("samples until the time is up and at least five were taken; quartiles of requests/s, slow quarter first", async () => {
    const asked: number[] = [];
    let call = 0;
    // Every other sample takes three times as long: the quartiles must tell them apart.
    const next = (n: number): Promise<void> => {
      asked.push(n);
      const ms = call++ % 2 === 0 ? 2 : 6;
      return new Promise((resolve) => setTimeout(resolve, ms));
    };
    const started = performance.now();
    const r = await timeIntervals(next, 10, 0.06);
    expect(performance.now() - started).toBeGreaterThanOrEqual(60);
    expect(r.samples).toBe(asked.length);
    expect(r.samples).toBeGreaterThanOrEqual(5);
    expect(asked.every((n) => n === 10)).toBe(true);
    expect(r.p25).toBeLessThan(r.p75);
    expect(r.p25).toBeLessThanOrEqual(r.p50);
    expect(r.p50).toBeLessThanOrEqual(r.p75);
    expect(r.p75).toBeLessThanOrEqual(10 / 0.002); // no sample was faster than its timer
  });

  test("a span shorter than five samples still takes five", async () => {
    const r = await timeIntervals(() => Promise.resolve(), 1, 0);
    expect(r.samples).toBe(5);
  });
});
