import type { BenchCase } from "../e2e/cases.ts";
import type { CaseSummary, RatioSummary, RoundMeasurement, TargetInfo } from "./results.ts";
import { spread } from "./spread.ts";

/** A ratio to take round by round: numerator target / denominator target, on each case both run. */
export interface RatioPair {
  name: string;
  numerator: string;
  denominator: string;
  metric: "requestsPerSecond" | "p50Us";
  /** Only cases this holds for (default: all). */
  only?: (c: BenchCase) => boolean;
}

/**
 * The rounds of a case that count: those in which every measurement of the case was quiet; when
 * there is none, all rounds (and the summary says it is noisy). Ratios and fractions are taken
 * within each counted round, between measurements that ran back to back.
 */
function countedRounds(measurements: RoundMeasurement[]): { rounds: number[]; all: number[]; noisy: boolean } {
  const all = [...new Set(measurements.map((m) => m.round))].sort((a, b) => a - b);
  const quiet = all.filter((r) => measurements.filter((m) => m.round === r).every((m) => m.quiet));
  return quiet.length > 0 ? { rounds: quiet, all, noisy: false } : { rounds: all, all, noisy: true };
}

export function summarize(cases: BenchCase[], targets: TargetInfo[], measurements: RoundMeasurement[], pairs: RatioPair[]): { summary: CaseSummary[]; ratios: RatioSummary[] } {
  const summary: CaseSummary[] = [];
  const ratios: RatioSummary[] = [];
  for (const c of cases) {
    const ofCase = measurements.filter((m) => m.caseId === c.id);
    if (ofCase.length === 0) continue;
    const { rounds, all, noisy } = countedRounds(ofCase);
    const inRound = (target: string, round: number): RoundMeasurement | undefined => ofCase.find((m) => m.target === target && m.round === round);
    for (const t of targets) {
      const ms = rounds.map((r) => inRound(t.id, r)).filter((m) => m !== undefined);
      if (ms.length === 0) continue;
      const raw = t.role === "raw" ? null : targets.find((x) => x.role === "raw" && x.runtime === t.runtime);
      summary.push({
        caseId: c.id,
        target: t.id,
        roundsCounted: rounds.length,
        roundsDiscarded: all.length - rounds.length,
        noisy,
        requestsPerSecond: spread(ms.map((m) => m.requestsPerSecond)),
        mbPerSecond: spread(ms.map((m) => m.mbPerSecond)),
        p50Us: spread(ms.map((m) => m.latencyUs?.p50 ?? NaN)),
        p99Us: spread(ms.map((m) => m.latencyUs?.p99 ?? NaN)),
        p999Us: spread(ms.map((m) => m.latencyUs?.p999 ?? NaN)),
        ofLimit: raw == null ? null : spread(ms.map((m) => m.requestsPerSecond / (inRound(raw.id, m.round)?.requestsPerSecond ?? NaN))),
        errors: ms.reduce((sum, m) => sum + m.errors, 0),
      });
    }
    for (const pair of pairs) {
      if (pair.only !== undefined && !pair.only(c)) continue;
      const value = (m: RoundMeasurement | undefined): number => (m === undefined ? NaN : pair.metric === "p50Us" ? (m.latencyUs?.p50 ?? NaN) : m.requestsPerSecond);
      const perRound = rounds.map((r) => value(inRound(pair.numerator, r)) / value(inRound(pair.denominator, r)));
      const ratio = spread(perRound);
      if (ratio !== null) ratios.push({ caseId: c.id, name: pair.name, numerator: pair.numerator, denominator: pair.denominator, metric: pair.metric, ratio });
    }
  }
  return { summary, ratios };
}
