import { readFileSync } from "node:fs";

/**
 * How much CPU other processes used while a benchmark ran: the machine's busy time (/proc/stat)
 * minus what the measured processes used (/proc/<pid>/stat). Linux only; elsewhere null.
 */

/** Kernel clock ticks per second for /proc times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function machineBusyTicks(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
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

export function startNoiseProbe(pids: number[]): NoiseProbe {
  let start: { machine: number; own: number; at: number };
  try {
    start = { machine: machineBusyTicks(), own: pids.reduce((sum, pid) => sum + processTicks(pid), 0), at: performance.now() };
  } catch {
    return { finish: () => null };
  }
  return {
    finish() {
      try {
        const machine = machineBusyTicks() - start.machine;
        const own = pids.reduce((sum, pid) => sum + processTicks(pid), 0) - start.own;
        const seconds = (performance.now() - start.at) / 1000;
        return Math.max(0, ((machine - own) / TICKS_PER_SECOND / seconds) * 100);
      } catch {
        return null;
      }
    },
  };
}
