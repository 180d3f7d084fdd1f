import { readFileSync } from "node:fs";

/** How often the statistics are read, at most (and only while a long batch asks). */
const PROBE_SPACING_MS = 100;
/** The thread is short of CPU when, in the median of the last reads, it waited for one this long per unit of time it ran. */
const SHORT_OF_CPU_WAIT_PER_RUN = 0.25;
/** Reads the median is taken over: single reads swing widely (a GC or JIT thread, a noisy neighbour). */
const WINDOWS = 5;

/** A thread's total nanoseconds run and waited for a CPU while runnable, or null when unknown. */
export type SchedStatReader = () => readonly [ranNs: number, waitedNs: number] | null;

/**
 * Whether a thread has lately had a CPU whenever it could run. When it has, a peer on the same
 * machine has a CPU of its own too and works on the first answers of a long batch while the rest
 * are produced (see TransportSocket.splitLongBatches). When it has not (it takes turns on one CPU
 * with its peer, or the machine is overloaded), each extra write only wakes a peer that must wait
 * its turn: one write per batch is best. Measured on 2 CPUs, 1 024 calls in flight: splitting lost
 * 20 % with both ends on one CPU and gained 30–60 % with one CPU each. Per 0.1 s window, a thread
 * sharing its CPU waited a median 0.6 ns per ns run, one with its own 0.06, but single windows
 * overlap: the decision takes the median of the last five. Where the statistics cannot be read
 * (not Linux), batches are split: peers are usually elsewhere.
 */
export class CpuShareProbe {
  #readAt = Number.NEGATIVE_INFINITY;
  #ranNs = 0;
  #waitedNs = 0;
  /** Wait per run of the last WINDOWS reads, as a ring; windows not read yet count as no wait. */
  readonly #ratios = new Float64Array(WINDOWS);
  readonly #sorted = new Float64Array(WINDOWS);
  #next = 0;
  #spare = true;
  #readable = true;
  readonly #read: SchedStatReader;
  readonly #now: () => number;

  constructor(read: SchedStatReader, now: () => number = () => performance.now()) {
    this.#read = read;
    this.#now = now;
  }

  /** True unless the thread has been short of CPU lately. Cheap: reads the statistics at most every 0.1 s. */
  spare(): boolean {
    const now = this.#now();
    if (now - this.#readAt < PROBE_SPACING_MS || !this.#readable) return this.#spare;
    const stat = this.#read();
    if (stat === null) {
      this.#readable = false;
      return this.#spare;
    }
    const [ranNs, waitedNs] = stat;
    if (this.#readAt !== Number.NEGATIVE_INFINITY) {
      this.#ratios[this.#next] = (waitedNs - this.#waitedNs) / Math.max(1, ranNs - this.#ranNs);
      this.#next = (this.#next + 1) % WINDOWS;
      const sorted = this.#sorted;
      sorted.set(this.#ratios);
      sorted.sort();
      this.#spare = sorted[WINDOWS >> 1]! < SHORT_OF_CPU_WAIT_PER_RUN;
    }
    this.#readAt = now;
    this.#ranNs = ranNs;
    this.#waitedNs = waitedNs;
    return this.#spare;
  }
}

/** This thread's statistics from Linux's /proc/thread-self/schedstat ("ran waited slices"). */
function readThreadSchedstat(): readonly [number, number] | null {
  try {
    const fields = readFileSync("/proc/thread-self/schedstat", "latin1").split(" ");
    const ran = Number(fields[0]);
    const waited = Number(fields[1]);
    return Number.isFinite(ran) && Number.isFinite(waited) ? [ran, waited] : null;
  } catch {
    return null;
  }
}

/** Per thread, as each worker loads its own copy of this module. */
const threadProbe = new CpuShareProbe(readThreadSchedstat);

/** Whether this thread has had a CPU whenever it could run, lately (see CpuShareProbe). */
export const threadHasSpareCpu = (): boolean => threadProbe.spare();
