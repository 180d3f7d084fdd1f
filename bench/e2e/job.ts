import type { BenchCase } from "./cases.ts";

/**
 * What the runner hands a measuring client process (as JSON on its command line) and what the
 * client prints back (one JSON line per case on stdout).
 */

/** What the client drives. */
export type DriverSpec =
  /** This library, imported from `entry` (src/index.ts under Bun, dist/node.js under Node). */
  | { kind: "library"; entry: string }
  /** Raw sockets of the runtime (Bun.connect / node:net) against a raw echo server: no codec, no dispatch. */
  | { kind: "raw" }
  /** ali-ons' Channel (a pure-JavaScript RocketMQ remoting client), loaded from `dir`. */
  | { kind: "ali-ons"; dir: string }
  /** rocketmq-nodejs' Producer (rocketmq-client-cpp as a Node addon), loaded from `dir`. */
  | { kind: "rocketmq-nodejs"; dir: string };

/** A case with the size its request frame has on the wire (the raw driver sends frames of that size). */
export interface JobCase extends BenchCase {
  frameBytes: number;
}

/** One case of a client job, with where it runs. */
export interface CaseRun {
  case: JobCase;
  /**
   * The server process to measure against: a command line (taskset included) that prints
   * "LISTENING <port>". One process per distinct command, shared by the cases that name it.
   */
  server: string[];
  /** CPUs every process of the case runs on (for the noise probe); empty when not pinned. */
  cpus: number[];
  /** Where the case's other client processes run (taskset -c list); empty when not pinned. */
  clientCpus: number[];
}

export interface ClientJob {
  driver: DriverSpec;
  runs: CaseRun[];
  /** Measured time per case. */
  seconds: number;
  /** Load before measuring, per case; `firstWarmupS` for a case on processes started for it (the first, a new server, other client processes), see freshWarmupS (cases.ts). */
  warmupS: number;
  firstWarmupS: number;
}

/**
 * What the measuring client hands each of a case's other client processes (bench/e2e/load-process.ts):
 * the part of the case that process drives, and the server's port. The process prints "READY" once
 * its load runs, answers "START" and "STOP" on stdin (the measured span) with a LoadCount line
 * after STOP, and exits once its connections are closed.
 */
export interface LoadJob {
  driver: DriverSpec;
  case: JobCase;
  port: number;
}

export interface LoadCount {
  requests: number;
  errors: number;
}

export interface LatencyUs {
  p50: number;
  p99: number;
  p999: number;
  /** Requests whose latency was recorded. */
  samples: number;
}

/** One case measured once, by its measuring client process (and the other client processes, if any). */
export interface CaseMeasurement {
  caseId: string;
  /** Requests completed in the measured span, by every client process of the case. */
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  /** Body bytes per second in each direction, in MB/s (10^6 bytes). */
  mbPerSecond: number;
  /** Per-request latency (of the measuring process's requests); null for oneway calls. */
  latencyUs: LatencyUs | null;
  /**
   * The run in samples: the time for the measuring process to complete each `perSample`
   * requests, as requests/s quartiles over `samples` samples (the spread within the run).
   */
  intervals: { perSample: number; samples: number; p25: number; p50: number; p75: number };
  /** CPU other processes used on the measured CPUs meanwhile, in % of one CPU (null where unknown). */
  noiseCpuPct: number | null;
}
