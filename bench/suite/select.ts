import type { BenchCase, Sweep } from "../e2e/cases.ts";
import { fitsOpenFiles } from "./open-files.ts";
import { placementRuns } from "./placement.ts";
import type { SweepInfo } from "./results.ts";

/** What the machine offers the cases: pinning, CPUs, open files. */
export interface CaseLimits {
  only: string;
  cpu: number | null;
  splitCpu: number | null;
  machineCpus: number;
  /** Hard limit on open files (null: unknown). */
  openFiles: number | null;
}

/**
 * The cases of a run: those `--only` selects (ignoring case) that this machine can run. Returns
 * them, and a line for each kind left out and why.
 */
export function selectCases(all: readonly BenchCase[], limits: CaseLimits): { cases: BenchCase[]; leftOut: string[] } {
  const only = limits.only.toLowerCase();
  const selected = all.filter((c) => `${c.id} ${c.label}`.toLowerCase().includes(only));
  const leftOut: string[] = [];
  const leave = (out: BenchCase[], why: string): void => void (out.length > 0 && leftOut.push(`${out.length} case(s) left out: ${why}`));
  const noCpu = (p: BenchCase["placement"]): BenchCase[] => selected.filter((c) => c.placement === p && !placementRuns(p, limits.cpu, limits.splitCpu, limits.machineCpus));
  leave(noCpu("split"), "split placement needs a CPU for the server (--split-cpu)");
  leave(noCpu("spread"), "I/O worker threads need two CPUs (--split-cpu, or --cpu none on a machine with more than one)");
  const runnable = selected.filter((c) => placementRuns(c.placement, limits.cpu, limits.splitCpu, limits.machineCpus));
  leave(
    runnable.filter((c) => !fitsOpenFiles(c, limits.openFiles)),
    `more connections than the open-files limit allows (hard limit ${limits.openFiles}; raise it with ulimit -Hn)`,
  );
  return { cases: runnable.filter((c) => fitsOpenFiles(c, limits.openFiles)), leftOut };
}

/** The sweeps of a run (every one with --full, else the short ones), their rows the cases that run; none left empty. */
export function sweepsOf(sweeps: readonly Sweep[], full: boolean, cases: readonly BenchCase[]): SweepInfo[] {
  return sweeps
    .filter((s) => full || s.short)
    .map(({ short: _, ...s }) => ({ ...s, rows: s.rows.filter((row) => cases.some((c) => c.id === row.caseId)) }))
    .filter((s) => s.rows.length > 0);
}

/** The points of `sweeps` that are not among the `headline` cases. */
export function sweepOnlyIds(sweeps: readonly SweepInfo[], headline: readonly BenchCase[]): Set<string> {
  return new Set(sweeps.flatMap((s) => s.rows.map((row) => row.caseId)).filter((id) => !headline.some((c) => c.id === id)));
}

/**
 * Quiet rounds wanted per case: `rounds`, but `sweepRounds` for the cases of `sweepOnly` (in a
 * short run, the sweep points that are not headline cases: one quiet round each fits the time).
 */
export function roundsWanted(rounds: number, sweepRounds: number, sweepOnly: ReadonlySet<string>): (c: BenchCase) => number {
  return (c) => (sweepOnly.has(c.id) ? sweepRounds : rounds);
}
