import type { CaseResult, ClientReport } from "./cases.ts";

/**
 * The side-by-side table: per case, the median over rounds with its min-max spread, for Bun and
 * Node; the Bun/Node ratio of each round (its two runs ran back to back, so they saw much the same
 * machine), as median and spread; and the Java/Netty original's figures on this machine kind (from
 * the project's issue 5: about 130 k/s pipelined async, 170 µs per sync round trip).
 */

const JAVA = { asyncRequestsPerSecond: 130_000, syncRoundTripUs: 170 };
/** Other processes using more than this much of the measured CPU make a measurement noisy. */
export const NOISY_CPU_PCT = 10;

/** One round: the same cases measured under each runtime, back to back. */
export interface Round {
  bun: ClientReport;
  node: ClientReport;
}

const isNoisy = (r: CaseResult): boolean => (r.noiseCpuPct ?? 0) > NOISY_CPU_PCT;

/** No measurement of the round saw other processes on the measured CPU. */
export const isQuiet = (round: Round): boolean => ![...round.bun.results, ...round.node.results].some(isNoisy);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const spread = (xs: number[], format: (n: number) => string): string => `${format(median(xs))} [${format(Math.min(...xs))}-${format(Math.max(...xs))}]`;
const kilo = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);
const us = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ratio = (n: number): string => `${n.toFixed(2)}x`;

/** Results of one runtime, by case name, over the rounds. */
function byCase(reports: ClientReport[]): Map<string, CaseResult[]> {
  const out = new Map<string, CaseResult[]>();
  for (const report of reports) for (const r of report.results) out.set(r.name, [...(out.get(r.name) ?? []), r]);
  return out;
}

export function formatReport(header: string, rounds: Round[]): string {
  const bunCases = byCase(rounds.map((r) => r.bun));
  const nodeCases = byCase(rounds.map((r) => r.node));
  const rows = [["case", "Bun req/s [min-max]", "Node req/s [min-max]", "Bun/Node per round", "Bun p50/p99 µs", "Node p50/p99 µs", "Java/Netty"]];
  let noisyCount = 0;
  let count = 0;
  for (const [name, bun] of bunCases) {
    const node = nodeCases.get(name) ?? [];
    const rps = (results: CaseResult[]): number[] => results.map((r) => r.requestsPerSecond);
    const percentiles = (results: CaseResult[]): string => `${us(median(results.map((r) => r.p50Us)))} / ${us(median(results.map((r) => r.p99Us)))}`;
    noisyCount += [...bun, ...node].filter(isNoisy).length;
    count += bun.length + node.length;
    rows.push([
      name,
      spread(rps(bun), kilo),
      spread(rps(node), kilo),
      spread(bun.slice(0, node.length).map((r, i) => r.requestsPerSecond / node[i]!.requestsPerSecond), ratio),
      percentiles(bun),
      percentiles(node),
      name.startsWith("invokeSync") ? `${JAVA.syncRoundTripUs} µs/call` : `${kilo(JAVA.asyncRequestsPerSecond)}/s`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = [header, "", ...rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd())];
  lines.push(
    "",
    `Medians over rounds; latencies are per request (median of the rounds' p50 and p99). ${noisyCount} of ${count} measurements ` +
      `saw other processes use more than ${NOISY_CPU_PCT}% of the measured CPU.`,
  );
  return lines.join("\n");
}
