import { readFileSync } from "node:fs";

/**
 * How much CPU other processes used while a benchmark ran: the busy time (/proc/stat) of the CPU
 * the measured processes are pinned to (or of the whole machine when they are not), minus what
 * the measured processes used (/proc/<pid>/stat). Linux only; elsewhere null.
 */

/** Kernel clock ticks per second for /proc times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Busy ticks of CPU `cpu`, or of all CPUs when null. */
function busyTicks(cpu: number | null): number {
  const name = cpu === null ? "cpu" : `cpu${cpu}`;
  const line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in /proc/stat`);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + steal;
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

/** Starts measuring; `cpu` is the CPU the `pids` are pinned to, null when they are not pinned. */
export function startNoiseProbe(pids: number[], cpu: number | null): NoiseProbe {
  let start: { machine: number; own: number; at: number };
  try {
    start = { machine: busyTicks(cpu), own: pids.reduce((sum, pid) => sum + processTicks(pid), 0), at: performance.now() };
  } catch {
    return { finish: () => null };
  }
  return {
    finish() {
      try {
        const machine = busyTicks(cpu) - start.machine;
        const own = pids.reduce((sum, pid) => sum + processTicks(pid), 0) - start.own;
        const seconds = (performance.now() - start.at) / 1000;
        return Math.max(0, ((machine - own) / TICKS_PER_SECOND / seconds) * 100);
      } catch {
        return null;
      }
    },
  };
}
