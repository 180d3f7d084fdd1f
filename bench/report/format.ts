import type { Spread } from "../suite/spread.ts";

/** Number formats shared by the terminal report and BENCHMARKS.md. */

/** 3 significant digits, with k/M: 1.06 M, 35.6 k, 673. */
export function count(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`;
  if (n >= 1e3) return `${(n / 1e3).toPrecision(3)} k`;
  return n.toPrecision(3);
}

export function micros(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return n >= 1000 ? `${(n / 1000).toPrecision(3)} ms` : `${n.toPrecision(3)} µs`;
}

export function nanos(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} ms`;
  return n >= 1000 ? `${(n / 1000).toPrecision(3)} µs` : `${n.toPrecision(3)} ns`;
}

export function megabytes(n: number): string {
  return Number.isFinite(n) ? `${n >= 100 ? n.toFixed(0) : n.toPrecision(3)} MB/s` : "–";
}

export function times(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}x` : "–";
}

export function percent(n: number): string {
  return Number.isFinite(n) ? `${(n * 100).toFixed(0)}%` : "–";
}

/** "median [min–max]" with one format, or "–" without data; only the median when the range shows none. */
export function spreadText(s: Spread | null, format: (n: number) => string): string {
  if (s === null) return "–";
  const [median, min, max] = [format(s.median), format(s.min), format(s.max)];
  return min === max ? median : `${median} [${min}–${max}]`;
}
