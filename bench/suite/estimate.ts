import { freshWarmupS, type BenchCase } from "../e2e/cases.ts";
import { clientGroups } from "./placement.ts";
import type { Target } from "./targets.ts";

/** What one round's time is made of (see estimateRoundS). */
export interface RoundTiming {
  seconds: number;
  warmupS: number;
  firstWarmupS: number;
  cpu: number | null;
  splitCpu: number | null;
}

/**
 * What a round costs beyond warm-up and measured time, from the suite's progress timestamps on the
 * 2-CPU VM: per measurement, connecting, the last timed sample (intervals.ts), draining and
 * closing; per client process, starting it and its server; per measurement with other client
 * processes or I/O worker threads, starting those.
 */
const MEASUREMENT_OVERHEAD_S = 0.05;
const PROCESS_OVERHEAD_S = 0.25;
const EXTRA_PROCESSES_S = 0.4;

/**
 * Expected seconds of one round of `cases` over `targets`, from the timing options and the
 * overheads measured. A case on processes started for it (a client process's first case, one on a
 * server not started before, one with other client processes) warms up for freshWarmupS, as the
 * client process does it.
 */
export function estimateRoundS(targets: readonly Pick<Target, "runs" | "server">[], cases: readonly BenchCase[], t: RoundTiming): number {
  let seconds = 0;
  for (const target of targets) {
    for (const group of clientGroups(cases.filter((c) => target.runs(c)), t.cpu, t.splitCpu)) {
      const servers = new Set<string>();
      seconds += PROCESS_OVERHEAD_S;
      for (const c of group) {
        const server = `${c.placement} ${target.server(c).join(" ")}`;
        const fresh = !servers.has(server) || c.clientProcesses > 1;
        servers.add(server);
        seconds += (fresh ? freshWarmupS(c, t.firstWarmupS) : t.warmupS) + t.seconds + MEASUREMENT_OVERHEAD_S + (c.clientProcesses > 1 || c.ioWorkers > 0 ? EXTRA_PROCESSES_S : 0);
      }
    }
  }
  return seconds;
}

/** Expected seconds of all the rounds when every round is quiet: round r runs the cases wanting r rounds or more. */
export function estimateRoundsS(targets: readonly Pick<Target, "runs" | "server">[], cases: readonly BenchCase[], wanted: (c: BenchCase) => number, t: RoundTiming): number {
  const rounds = Math.max(0, ...cases.map(wanted));
  let seconds = 0;
  for (let round = 1; round <= rounds; round++) seconds += estimateRoundS(targets, cases.filter((c) => wanted(c) >= round), t);
  return seconds;
}
