/**
 * The benchmark suite: `npm run bench` (short), `npm run bench -- --full`, `-- --help` for options.
 * Builds what it measures, checks the CPUs are quiet, runs the microbenchmarks and the end-to-end
 * rounds with progress on stderr, then prints the report and saves the results (bench/results/)
 * and BENCHMARKS.md with its charts.
 */
import { encodeFrame, createRequest } from "../src/index.ts";
import { availableParallelism } from "node:os";
import { ECHO_CODE, FULL_CASES, SHORT_CASES, SHORT_HEADLINE_CASES, SWEEPS, type BenchCase } from "./e2e/cases.ts";
import type { JobCase } from "./e2e/job.ts";
import { compareWithSaved, compareReport } from "./report/compare.ts";
import { terminalReport } from "./report/terminal.ts";
import { buildLibrary, bundleHarness, Revisions } from "./suite/build.ts";
import { waitForQuiet } from "./suite/cpus.ts";
import { runRounds } from "./suite/e2e-rounds.ts";
import { currentLoad, gitState, machine, runtimes } from "./suite/machine.ts";
import { steadyMalloc } from "./suite/allocator.ts";
import { runMicro } from "./suite/micro-runs.ts";
import { parseOptions, USAGE, type SuiteOptions } from "./suite/options.ts";
import { Progress } from "./suite/progress.ts";
import { newestResults, readResults, renderOutputs, saveResults } from "./suite/output.ts";
import { openFilesLimit } from "./suite/open-files.ts";
import { estimateRoundsS } from "./suite/estimate.ts";
import { planTargets, type LibraryCheckout } from "./suite/plan.ts";
import { roundsWanted, selectCases, sweepOnlyIds, sweepsOf } from "./suite/select.ts";
import type { Results } from "./suite/results.ts";
import { summarize } from "./suite/summarize.ts";
import type { Harness } from "./suite/targets.ts";

const root = new URL("../", import.meta.url).pathname;
const argv = process.argv.slice(2);

let options: SuiteOptions;
try {
  options = parseOptions(argv);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (options.render !== null) {
  const file = options.render === "" ? newestResults(root) : options.render;
  if (file === null) throw new Error("no saved results to render in bench/results/");
  const written = renderOutputs(root, readResults(file), file);
  process.stdout.write(`rendered ${written.join(", ")} from ${file}\n`);
  process.exit(0);
}

const mallocSettings = steadyMalloc();
const progress = new Progress();
const startedAt = new Date();
const machineAtStart = machine();
const versions = runtimes(root);
const harness: Harness = { root, bun: process.execPath, node: "node", nodeBuild: `${root}.bench-build/`, nodeVersion: versions.node };
const comparing = options.compare !== null && !/^saved$|\.json$/.test(options.compare);
const mode = comparing ? "compare" : options.full ? "full" : "short";

/** A case with the size of its request frames (the raw echo sends frames that size). */
const withFrameBytes = (c: BenchCase): JobCase => ({
  ...c,
  frameBytes: encodeFrame(createRequest(ECHO_CODE, { body: c.bodyBytes === 0 ? null : new Uint8Array(c.bodyBytes), serializeType: c.serializeType })).length,
});

const skip = (part: Parameters<typeof options.skip.has>[0]): boolean => options.skip.has(part);
const selection = skip("e2e")
  ? { cases: [], leftOut: [] }
  : selectCases(options.full ? FULL_CASES : SHORT_CASES, { ...options, machineCpus: availableParallelism(), openFiles: openFilesLimit() });
const cases = selection.cases.map(withFrameBytes);
const sweeps = sweepsOf(SWEEPS, options.full, cases);
const sweepOnly = sweepOnlyIds(sweeps, SHORT_HEADLINE_CASES);
const wanted = roundsWanted(options.rounds, options.sweepRounds, sweepOnly);
const pinning = options.cpu === null ? "not pinned" : `pinned to CPU ${options.cpu}${options.splitCpu !== null ? ` (split placement: server on CPU ${options.splitCpu}; I/O workers: CPUs ${options.cpu} and ${options.splitCpu})` : ""}`;
progress.line(
  `bun-remoting benchmark suite, ${mode}: ${cases.length} end-to-end cases, ${options.rounds} quiet rounds wanted (${options.sweepRounds} for the ${sweepOnly.size} other sweep points; at most ${options.maxRounds}), ` +
    `${options.seconds} s per measurement, ${pinning}`,
);
for (const line of selection.leftOut) progress.line(line);

// Build: the Node build of every library measured, and the Node bundles of the bench processes.
progress.line("building dist/ and the Node bundles of the bench processes");
buildLibrary(root);
await bundleHarness(harness);
const revisions = comparing ? new Revisions(root) : null;
const libraries: LibraryCheckout[] = [];
if (revisions !== null) {
  const [a, b] = options.compare!.split(",");
  if (b === undefined) libraries.push({ root, revision: null, hasNodeBuild: true });
  for (const rev of b === undefined ? [a!] : [a!, b]) {
    progress.line(`checking out and building ${rev} in a temporary worktree`);
    const r = revisions.checkout(rev);
    libraries.push({ root: r.root, revision: r.name, hasNodeBuild: r.hasNodeBuild });
  }
} else libraries.push({ root, revision: null, hasNodeBuild: true });

const { targets, pairs, alternatives, notApplicable } = planTargets(harness, libraries, cases, skip, progress);
if (cases.length > 0) progress.line(`end-to-end rounds: about ${Math.round(estimateRoundsS(targets, cases, wanted, options))} s when every round is quiet`);

const cpusUsed = [options.cpu, options.splitCpu].filter((c) => c !== null);
await waitForQuiet(cpusUsed, options.noiseLimitPct, options.quietWaitS, progress);

const micro = skip("micro")
  ? []
  : runMicro(
      harness,
      { libraries, rounds: comparing ? (options.full ? 5 : 3) : 1, full: options.full, minMs: options.full ? 500 : 120, cpu: options.cpu, only: options.only },
      progress,
    );

const measurements =
  cases.length === 0
    ? []
    : await runRounds({ ...options, targets, cases, roundsWanted: wanted }, progress);
revisions?.cleanup();

const targetInfo = targets.map(({ id, label, runtime, role, revision }) => ({ id, label, runtime, role, revision }));
const { summary, ratios } = summarize(cases, targetInfo, measurements, pairs);
const results: Results = {
  schema: 1,
  mode,
  note: options.note,
  startedAt: startedAt.toISOString(),
  durationS: Math.round(progress.elapsedS),
  command: `npm run bench${argv.length > 0 ? ` -- ${argv.map((a) => (/^[\w./:,=-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(" ")}` : ""}`,
  git: gitState(root),
  machine: { ...machineAtStart, loadAtEnd: currentLoad(), malloc: mallocSettings },
  runtimes: versions,
  settings: {
    rounds: options.rounds,
    sweepRounds: options.sweepRounds,
    maxRounds: options.maxRounds,
    seconds: options.seconds,
    warmupS: options.warmupS,
    cpu: options.cpu,
    splitCpu: options.splitCpu,
    noiseLimitPct: options.noiseLimitPct,
  },
  cases: cases.map(({ frameBytes: _, ...c }) => c),
  targets: targetInfo,
  measurements,
  summary,
  ratios,
  micro,
  alternatives,
  sweeps,
  notApplicable,
};

process.stdout.write(`\n${comparing ? compareReport(results) : terminalReport(results)}\n`);
if (options.compare !== null && !comparing) {
  const file = options.compare === "saved" ? newestResults(root) : options.compare;
  if (file === null) process.stdout.write("\nno saved results to compare with\n");
  else process.stdout.write(`\n${compareWithSaved(results, readResults(file), file)}\n`);
}
if (options.save) {
  const file = saveResults(root, results);
  const written = comparing ? [] : renderOutputs(root, results, file);
  progress.line(`saved ${[file, ...written].map((f) => f.replace(root, "")).join(", ")}`);
}
progress.line(`done in ${Math.round(progress.elapsedS)} s`);
