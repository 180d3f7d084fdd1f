import { describe, expect, test } from "bun:test";
import { CpuShareProbe, threadHasSpareCpu } from "../../src/transport/cpu-share.ts";

/** A probe over scripted statistics: each window the thread runs 10 ms and waits `waitPerRun` of that for a CPU. */
function scripted(waits: number[]) {
  let clock = 0;
  let ran = 0;
  let waited = 0;
  let reads = 0;
  const probe = new CpuShareProbe(
    () => {
      reads++;
      return [ran, waited];
    },
    () => clock,
  );
  const answers: boolean[] = [];
  for (const waitPerRun of waits) {
    ran += 10e6;
    waited += waitPerRun * 10e6;
    clock += 100;
    answers.push(probe.spare());
  }
  return { answers, reads: () => reads, probe, advance: (ms: number) => (clock += ms) };
}

describe("CpuShareProbe (whether a long batch's answers go out in parts)", () => {
  test("a thread that takes turns on its CPU is short of it once most of the last five windows say so", () => {
    const { answers } = scripted([0, 0.6, 0.7, 0.5, 0.8, 0.6]);
    // The first read is the baseline; the median of five windows turns with the third that waited.
    expect(answers).toEqual([true, true, true, false, false, false]);
  });

  test("single windows of waiting (a GC thread, a neighbour) do not change the answer either way", () => {
    expect(scripted([0, 0.05, 0.9, 0.04, 2.0, 0.06, 0.03, 0.9]).answers.every((spare) => spare)).toBe(true);
    const busy = scripted([0, 0.6, 0.7, 0.5, 0.6, 0.01, 0.7, 0.02, 0.6]).answers;
    expect(busy.slice(3)).toEqual([false, false, false, false, false, false]);
  });

  test("the thread that gets its CPU back is spare again", () => {
    const { answers } = scripted([0, 0.6, 0.6, 0.6, 0.6, 0.6, 0.05, 0.05, 0.05]);
    expect(answers.at(5)).toBe(false);
    expect(answers.at(-1)).toBe(true);
  });

  test("reads at most every 0.1 s", () => {
    const { probe, reads, advance } = scripted([0]);
    for (let i = 0; i < 1000; i++) {
      advance(0.05);
      probe.spare();
    }
    expect(reads()).toBe(1); // 50 ms passed: no second read yet
    advance(60);
    probe.spare();
    expect(reads()).toBe(2);
  });

  test("without statistics (not Linux) batches are split, and nothing is read again", () => {
    let reads = 0;
    let clock = 0;
    const probe = new CpuShareProbe(() => (reads++, null), () => (clock += 1000));
    expect([probe.spare(), probe.spare(), probe.spare()]).toEqual([true, true, true]);
    expect(reads).toBe(1);
  });

  test("this thread's probe reads the kernel's statistics here", () => {
    expect(typeof threadHasSpareCpu()).toBe("boolean");
    if (process.platform === "linux") expect(require("node:fs").readFileSync("/proc/thread-self/schedstat", "latin1")).toMatch(/^\d+ \d+ \d+/);
  });
});
