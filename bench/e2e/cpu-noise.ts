import { readFileSync } from "node:fs";

/**
 * How much CPU other processes used while a benchmark ran: the busy time (/proc/stat) of the CPUs
 * the measured processes are pinned to (or of the whole machine when they are not), minus what
 * the measured processes used (/proc/<pid>/stat). Linux only; elsewhere null.
 */

/** Kernel clock ticks per second for /proc times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Busy ticks of the given CPUs, or of all CPUs together when none is given. */
function busyTicks(cpus: readonly number[]): number {
  const names = cpus.length === 0 ? ["cpu"] : cpus.map((cpu) => `cpu${cpu}`);
  const lines = readFileSync("/proc/stat", "utf8").split("\n");
  let ticks = 0;
  for (const name of names) {
    const line = lines.find((l) => l.startsWith(`${name} `));
    if (line === undefined) throw new Error(`no ${name} in /proc/stat`);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    ticks += user + nice + system + irq + softirq + steal;
  }
  return ticks;
}

function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime, stime
}

export interface NoiseProbe {
  /** CPU other processes used since the probe started, in % of one CPU. */
  finish(): number | null;
}

/**
 * Starts measuring; `cpus` are the CPUs the `pids` are pinned to (empty when they are not pinned).
 * With no pids, it measures how busy those CPUs are.
 */
export function startNoiseProbe(pids: readonly number[], cpus: readonly number[]): NoiseProbe {
  let start: { machine: number; own: number; at: number };
  try {
    start = { machine: busyTicks(cpus), own: pids.reduce((sum, pid) => sum + processTicks(pid), 0), at: performance.now() };
  } catch {
    return { finish: () => null };
  }
  return {
    finish() {
      try {
        const machine = busyTicks(cpus) - start.machine;
        const own = pids.reduce((sum, pid) => sum + processTicks(pid), 0) - start.own;
        const seconds = (performance.now() - start.at) / 1000;
        return Math.max(0, ((machine - own) / TICKS_PER_SECOND / seconds) * 100);
      } catch {
        return null;
      }
    },
  };
}
