import type { CaseResult, ClientReport } from "./cases.ts";

/**
 * The side-by-side table: per case, the median over rounds with its min-max spread, for Bun and
 * Node, their ratio, and the Java/Netty original's figures on this machine kind (from the project's
 * issue 5: about 130 k/s pipelined async, 170 µs per sync round trip).
 */

const JAVA = { asyncRequestsPerSecond: 130_000, syncRoundTripUs: 170 };
/** Other processes using more than this much CPU during a measurement make it suspect. */
export const NOISY_CPU_PCT = 10;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const kilo = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);
const us = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

export interface Summary {
  name: string;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  p50Us: number;
  p99Us: number;
  runs: number;
  noisyRuns: number;
}

export function summarize(name: string, results: CaseResult[]): Summary {
  const rps = results.map((r) => r.requestsPerSecond);
  return {
    name,
    rps: median(rps),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p50Us: median(results.map((r) => r.p50Us)),
    p99Us: median(results.map((r) => r.p99Us)),
    runs: results.length,
    noisyRuns: results.filter((r) => (r.noiseCpuPct ?? 0) > NOISY_CPU_PCT).length,
  };
}

/** Results of one runtime, by case name, over all rounds. */
export function byCase(reports: ClientReport[]): Map<string, CaseResult[]> {
  const out = new Map<string, CaseResult[]>();
  for (const report of reports) for (const r of report.results) out.set(r.name, [...(out.get(r.name) ?? []), r]);
  return out;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
}

export function formatReport(header: string, bun: ClientReport[], node: ClientReport[]): string {
  const bunCases = byCase(bun);
  const nodeCases = byCase(node);
  const rows = [["case", "Bun req/s [min-max]", "Node req/s [min-max]", "Bun/Node", "Bun p50/p99 µs", "Node p50/p99 µs", "Java/Netty"]];
  let noisy = 0;
  let runs = 0;
  for (const [name, results] of bunCases) {
    const b = summarize(name, results);
    const n = summarize(name, nodeCases.get(name) ?? []);
    noisy += b.noisyRuns + n.noisyRuns;
    runs += b.runs + n.runs;
    const sync = name.startsWith("invokeSync");
    rows.push([
      name,
      `${kilo(b.rps)} [${kilo(b.rpsMin)}-${kilo(b.rpsMax)}]`,
      `${kilo(n.rps)} [${kilo(n.rpsMin)}-${kilo(n.rpsMax)}]`,
      `${(b.rps / n.rps).toFixed(2)}x`,
      `${us(b.p50Us)} / ${us(b.p99Us)}`,
      `${us(n.p50Us)} / ${us(n.p99Us)}`,
      sync ? `${JAVA.syncRoundTripUs} µs/call` : `${kilo(JAVA.asyncRequestsPerSecond)}/s`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = [header, "", ...rows.map((r) => pad(r, widths))];
  lines.push("", `Medians over rounds; latencies are per request. ${noisy} of ${runs} measurements saw other processes use more than ${NOISY_CPU_PCT}% of a CPU: treat those figures as noisy.`);
  return lines.join("\n");
}
