import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { startNoiseProbe } from "../e2e/cpu-noise.ts";
import type { Progress } from "./progress.ts";

/** The CPUs this process may run on (Linux: Cpus_allowed_list), lowest first; empty when unknown. */
export function allowedCpus(): number[] {
  try {
    const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("Cpus_allowed_list:"));
    if (line === undefined) return [];
    return line
      .slice(line.indexOf(":") + 1)
      .trim()
      .split(",")
      .flatMap((part) => {
        const [from, to = from] = part.split("-").map(Number);
        return Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
      });
  } catch {
    return [];
  }
}

export const hasTaskset = (): boolean => spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/**
 * The default CPUs: the highest-numbered CPU this process may use for the client and its server
 * (Linux steers most interrupts and housekeeping to CPU 0), and the next one down for the server
 * in split placement (none when there is only one).
 */
export function defaultCpus(): { cpu: number | null; splitCpu: number | null } {
  const allowed = allowedCpus();
  if (allowed.length === 0 || !hasTaskset()) return { cpu: null, splitCpu: null };
  return { cpu: allowed[allowed.length - 1]!, splitCpu: allowed.length > 1 ? allowed[allowed.length - 2]! : null };
}

/**
 * Waits (up to `maxWaitS`) until the CPUs the suite will use are quiet: other processes using at
 * most `limitPct` of each over one second. Returns the last reading (%), or null where unknown.
 */
export async function waitForQuiet(cpus: number[], limitPct: number, maxWaitS: number, progress: Progress): Promise<number | null> {
  const deadline = performance.now() + maxWaitS * 1000;
  for (;;) {
    const probe = startNoiseProbe([], cpus);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busy = probe.finish();
    if (busy === null) return null;
    const perCpu = busy / Math.max(1, cpus.length);
    const which = cpus.length === 0 ? "the machine" : `CPU ${cpus.join(" and ")}`;
    if (perCpu <= limitPct) {
      progress.line(`${which}: quiet (${perCpu.toFixed(0)}% used by other processes)`);
      return perCpu;
    }
    if (performance.now() >= deadline) {
      progress.line(`${which}: still busy (${perCpu.toFixed(0)}% used by other processes); measuring anyway, disturbed rounds will not count`);
      return perCpu;
    }
    progress.line(`${which}: busy (${perCpu.toFixed(0)}% used by other processes), waiting for it to quiet down`);
  }
}
