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

export interface ClientJob {
  driver: DriverSpec;
  cases: JobCase[];
  /** Measured time per case. */
  seconds: number;
  /** Load before measuring, per case; the process's first case gets `firstWarmupS`. */
  warmupS: number;
  firstWarmupS: number;
  /** The server process to start, per placement: a command line (taskset included) printing "LISTENING <port>". */
  server: { same: string[]; split: string[] | null };
  /** CPUs the client and the server run on, per placement (for the noise probe); empty when not pinned. */
  cpus: { same: number[]; split: number[] };
}

export interface LatencyUs {
  p50: number;
  p99: number;
  p999: number;
  /** Requests whose latency was recorded. */
  samples: number;
}

/** One case measured once in one client process. */
export interface CaseMeasurement {
  caseId: string;
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  /** Body bytes per second in each direction, in MB/s (10^6 bytes). */
  mbPerSecond: number;
  /** Per-request latency; null for oneway calls. */
  latencyUs: LatencyUs | null;
  /**
   * mitata's view of the run: the time to complete each `perSample` requests, as requests/s
   * quartiles over `samples` samples (the spread within the run).
   */
  intervals: { perSample: number; samples: number; p25: number; p50: number; p75: number };
  /** CPU other processes used on the measured CPUs meanwhile, in % of one CPU (null where unknown). */
  noiseCpuPct: number | null;
}
