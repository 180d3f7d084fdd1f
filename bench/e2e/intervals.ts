/**
 * The measured span of an end-to-end case, timed in samples: each the time to complete `perSample`
 * more requests, until `seconds` have passed and at least MIN_SAMPLES were taken.
 *
 * Not mitata's measure(): it keeps its samples in a fixed array of 2^20 slots, which under V8 cost
 * the load in the same process about 30 % of its throughput (ali-ons' producer, 64 sends in
 * flight: 12.7-13.5 k/s against 18.6-19.0 k/s with a 4 096-slot array, three alternated pairs;
 * Bun's load was unaffected), so the Node targets would have been measured below their speed.
 * mitata still times the microbenchmarks, where nothing else runs in the process.
 */
const MIN_SAMPLES = 5;

/** Requests/s quartiles of the samples (p25 is the slower quarter), and how many were taken. */
export interface IntervalRates {
  samples: number;
  p25: number;
  p50: number;
  p75: number;
}

export async function timeIntervals(next: (n: number) => Promise<void>, perSample: number, seconds: number): Promise<IntervalRates> {
  const durations: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (durations.length < MIN_SAMPLES || performance.now() < until) {
    const t0 = performance.now();
    await next(perSample);
    durations.push(performance.now() - t0);
  }
  durations.sort((a, b) => a - b);
  const rateAt = (q: number): number => perSample / (durations[Math.floor(q * (durations.length - 1))]! / 1000);
  // The slowest durations are the lowest rates.
  return { samples: durations.length, p25: rateAt(0.75), p50: rateAt(0.5), p75: rateAt(0.25) };
}
