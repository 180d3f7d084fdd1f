import type { BenchCase, Sweep } from "../e2e/cases.ts";
import type { CaseMeasurement } from "../e2e/job.ts";
import type { Spread } from "./spread.ts";

/**
 * A saved run (bench/results/*.json): everything BENCHMARKS.md shows comes from one of these, and
 * every raw measurement is kept, noisy ones included, so each figure can be traced and recomputed.
 */
export interface Results {
  schema: 1;
  /** "short", "full", or "compare". */
  mode: string;
  /** Why the figures should be read with care (a shared machine...), or null. */
  note: string | null;
  startedAt: string;
  durationS: number;
  /** The command line that produced this file. */
  command: string;
  git: { commit: string; dirty: boolean };
  machine: Machine;
  runtimes: { bun: string; node: string; mitata: string };
  settings: Settings;
  cases: BenchCase[];
  targets: TargetInfo[];
  measurements: RoundMeasurement[];
  summary: CaseSummary[];
  ratios: RatioSummary[];
  micro: MicroResult[];
  alternatives: AlternativeReport[];
  /** The sweeps whose cases ran (files from before sweeps have none). */
  sweeps: SweepInfo[];
  /** Cases a target could not run, and why (files from before have none). */
  notApplicable: NotApplicable[];
}

/** A sweep as the results file keeps it: its rows' cases and labels, so a file renders on its own. */
export type SweepInfo = Omit<Sweep, "short">;

export interface NotApplicable {
  target: string;
  caseIds: string[];
  reason: string;
}

export interface Machine {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  kernel: string;
  /** 1/5/15-minute load averages when the run started and when it ended. */
  loadAtStart: number[];
  loadAtEnd: number[];
  /** Allocator settings of every process measured (glibc for Node, mimalloc for Bun), "NAME=value ..." (see bench/suite/allocator.ts); absent in older results. */
  malloc?: string;
}

export interface Settings {
  rounds: number;
  /** Quiet rounds wanted for the sweep points that are not headline cases (files from before: as `rounds`). */
  sweepRounds: number;
  maxRounds: number;
  seconds: number;
  warmupS: number;
  /** CPU of the client (and of the server, same placement); null when not pinned. */
  cpu: number | null;
  /** CPU of the server in split placement; null when none. */
  splitCpu: number | null;
  /** A case's round counts only if no target saw more than this much CPU used by others (%). */
  noiseLimitPct: number;
}

export interface TargetInfo {
  id: string;
  label: string;
  runtime: "bun" | "node";
  /** library: this library; raw: the socket limit; alternative: another implementation. */
  role: "library" | "raw" | "alternative";
  /** The library revision measured (compare mode), or null for the working tree. */
  revision: string | null;
}

export interface RoundMeasurement extends CaseMeasurement {
  round: number;
  target: string;
  /** Other processes used at most the noise limit of the measured CPUs meanwhile. */
  quiet: boolean;
}

export interface CaseSummary {
  caseId: string;
  target: string;
  /** Rounds whose measurements of this case were all quiet (these are the ones summarised). */
  roundsCounted: number;
  roundsDiscarded: number;
  /** True when no round was quiet and all rounds are summarised instead. */
  noisy: boolean;
  requestsPerSecond: Spread | null;
  mbPerSecond: Spread | null;
  p50Us: Spread | null;
  p99Us: Spread | null;
  p999Us: Spread | null;
  /** Throughput as a fraction of the raw echo on the same runtime, per round. */
  ofLimit: Spread | null;
  errors: number;
}

/** A ratio taken round by round between two targets on one case. */
export interface RatioSummary {
  caseId: string;
  name: string;
  numerator: string;
  denominator: string;
  metric: "requestsPerSecond" | "p50Us";
  ratio: Spread | null;
}

/** One microbenchmark as its process (bench/micro/child.ts) prints it. */
export interface MicroLine {
  group: string;
  name: string;
  /** Time per call (ns) from mitata: average, quartiles, extremes of its samples. */
  ns: { avg: number; p25: number; p50: number; p75: number; min: number; max: number };
  samples: number;
  /** Work items per call (frames, operations), and their unit, for a derived rate. */
  perCall: number;
  unit: string;
}

export interface MicroResult extends MicroLine {
  module: string;
  /** The library revision (compare mode) or null. */
  revision: string | null;
  round: number;
}

export interface AlternativeReport {
  name: string;
  version: string | null;
  /** measured: compared in this run; unusable: could not be used (see reason); skipped: not selected. */
  status: "measured" | "unusable" | "skipped";
  reason: string;
}
