/** Results of a made-up run, built the way the suite builds them (summarize), for the report tests. */
import type { BenchCase } from "../../bench/e2e/cases.ts";
import type { CaseMeasurement } from "../../bench/e2e/job.ts";
import type { NotApplicable, Results, RoundMeasurement, SweepInfo, TargetInfo } from "../../bench/suite/results.ts";
import { summarize, type RatioPair } from "../../bench/suite/summarize.ts";

export const CHARTS = { throughput: "bench/results/charts/throughput.svg", latency: "bench/results/charts/latency.svg" };

export const TARGETS: TargetInfo[] = [
  { id: "bun", label: "this library, Bun build", runtime: "bun", role: "library", revision: null },
  { id: "node", label: "this library, Node build", runtime: "node", role: "library", revision: null },
  { id: "raw-bun", label: "raw echo, Bun sockets", runtime: "bun", role: "raw", revision: null },
  { id: "raw-node", label: "raw echo, node:net", runtime: "node", role: "raw", revision: null },
];

export const PAIRS: RatioPair[] = [
  { name: "Bun build / Node build", numerator: "bun", denominator: "node", metric: "requestsPerSecond" },
  { name: "sync p50 / raw", numerator: "bun", denominator: "raw-bun", metric: "p50Us", only: (c) => c.kind === "sync" },
];

/** One measurement: `bodyBytes` sets its MB/s; p99 and p999 are 3 and 9 times the p50. */
export function measurement(c: BenchCase, target: string, round: number, requestsPerSecond: number, p50: number, noiseCpuPct = 0): RoundMeasurement {
  const m: CaseMeasurement = {
    caseId: c.id,
    requests: requestsPerSecond,
    errors: 0,
    seconds: 1,
    requestsPerSecond,
    mbPerSecond: (requestsPerSecond * c.bodyBytes) / 1e6,
    latencyUs: { p50, p99: p50 * 3, p999: p50 * 9, samples: 1000 },
    intervals: { perSample: 100, samples: 250, p25: requestsPerSecond, p50: requestsPerSecond, p75: requestsPerSecond },
    noiseCpuPct,
  };
  return { ...m, round, target, quiet: noiseCpuPct <= 10 };
}

export interface Sample {
  cases: BenchCase[];
  measurements: RoundMeasurement[];
  targets?: TargetInfo[];
  pairs?: RatioPair[];
  sweeps?: SweepInfo[];
  notApplicable?: NotApplicable[];
}

export function sampleResults(sample: Sample): Results {
  const targets = sample.targets ?? TARGETS;
  const { summary, ratios } = summarize(sample.cases, targets, sample.measurements, sample.pairs ?? PAIRS);
  return {
    schema: 1,
    mode: "short",
    note: "provisional: test data",
    startedAt: "2026-11-21T08:00:00.000Z",
    durationS: 80,
    command: "npm run bench -- --cpu 0",
    git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    machine: { cpuModel: "Test CPU", cpus: 2, memoryGiB: 24, kernel: "linux 6.1", loadAtStart: [0.5, 0.4, 0.3], loadAtEnd: [1, 0.8, 0.5] },
    runtimes: { bun: "1.4.5", node: "20.20.2", mitata: "1.0.34" },
    settings: { rounds: 2, sweepRounds: 1, maxRounds: 3, seconds: 0.8, warmupS: 0.3, cpu: 0, splitCpu: null, noiseLimitPct: 10 },
    cases: sample.cases,
    targets,
    measurements: sample.measurements,
    summary,
    ratios,
    micro: [],
    alternatives: [{ name: "ali-ons", version: "3.12.0", status: "skipped", reason: "left out" }],
    sweeps: sample.sweeps ?? [],
    notApplicable: sample.notApplicable ?? [],
  };
}
