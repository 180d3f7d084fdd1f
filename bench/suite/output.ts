import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { renderCharts } from "../report/charts.ts";
import { renderPage } from "../report/page.ts";
import type { Results } from "./results.ts";

/** Where results, the page and its charts go. */
const RESULTS_DIR = "bench/results/";
const PAGE = "BENCHMARKS.md";
export const CHARTS = { throughput: "bench/results/charts/throughput.svg", latency: "bench/results/charts/latency.svg" } as const;

/** Saves `results` as bench/results/<date>-<mode>-<commit>.json; returns its path. */
export function saveResults(root: string, results: Results): string {
  mkdirSync(`${root}${RESULTS_DIR}`, { recursive: true });
  const stamp = results.startedAt.slice(0, 19).replaceAll(":", "").replace("T", "-");
  const file = `${root}${RESULTS_DIR}${stamp}-${results.mode}-${results.git.commit.slice(0, 7)}${results.git.dirty ? "-dirty" : ""}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
  return file;
}

export function readResults(file: string): Results {
  const results = JSON.parse(readFileSync(file, "utf8")) as Results;
  if (results.schema !== 1) throw new Error(`${file}: not a results file of this suite (schema ${String(results.schema)})`);
  return upgradeResults(results);
}

/**
 * A results file as this suite writes it now. Files from before the sweeps lack what the sweeps
 * added (one client process and no I/O workers per case, no sweeps, every target able to run
 * its cases, as many sweep rounds as rounds): filled in with what those runs did.
 */
export function upgradeResults(r: Results): Results {
  const old = r as Partial<Results>;
  return {
    ...r,
    settings: { ...r.settings, sweepRounds: r.settings.sweepRounds ?? r.settings.rounds },
    cases: r.cases.map((c) => ({ ...c, clientProcesses: c.clientProcesses ?? 1, ioWorkers: c.ioWorkers ?? 0 })),
    sweeps: old.sweeps ?? [],
    notApplicable: old.notApplicable ?? [],
  };
}

/** The newest saved results of a short or full run (file names start with the date), or null. */
export function newestResults(root: string): string | null {
  let names: string[];
  try {
    names = readdirSync(`${root}${RESULTS_DIR}`).filter((n) => /-(short|full)-.*\.json$/.test(n));
  } catch {
    return null;
  }
  const newest = names.sort().pop();
  return newest === undefined ? null : `${root}${RESULTS_DIR}${newest}`;
}

/** Writes BENCHMARKS.md and its charts from `results` (saved as `file`); returns what it wrote. */
export function renderOutputs(root: string, results: Results, file: string): string[] {
  const charts = renderCharts(results);
  mkdirSync(`${root}bench/results/charts`, { recursive: true });
  writeFileSync(`${root}${CHARTS.throughput}`, charts.throughput);
  writeFileSync(`${root}${CHARTS.latency}`, charts.latency);
  writeFileSync(`${root}${PAGE}`, renderPage(results, relative(root, file), CHARTS));
  return [PAGE, CHARTS.throughput, CHARTS.latency];
}
