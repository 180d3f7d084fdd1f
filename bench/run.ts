/**
 * The benchmark suite: `npm run bench` (short), `npm run bench -- --full`, `-- --help` for options.
 * Builds what it measures, checks the CPUs are quiet, runs the microbenchmarks and the end-to-end
 * rounds with progress on stderr, then prints the report and saves the results (bench/results/)
 * and BENCHMARKS.md with its charts.
 */
import { encodeFrame, createRequest } from "../src/index.ts";
import { ECHO_CODE, FULL_CASES, SHORT_CASES, type BenchCase } from "./e2e/cases.ts";
import type { JobCase } from "./e2e/job.ts";
import { compareWithSaved, compareReport } from "./report/compare.ts";
import { terminalReport } from "./report/terminal.ts";
import { COMPARED, install, NOT_COMPARED } from "./suite/alternatives.ts";
import { buildLibrary, bundleHarness, Revisions } from "./suite/build.ts";
import { waitForQuiet } from "./suite/cpus.ts";
import { runRounds } from "./suite/e2e-rounds.ts";
import { currentLoad, gitState, machine, runtimes } from "./suite/machine.ts";
import { runMicro } from "./suite/micro-runs.ts";
import { parseOptions, USAGE, type SuiteOptions } from "./suite/options.ts";
import { Progress } from "./suite/progress.ts";
import { newestResults, readResults, renderOutputs, saveResults } from "./suite/output.ts";
import type { AlternativeReport, Results } from "./suite/results.ts";
import { summarize, type RatioPair } from "./suite/summarize.ts";
import { alternativeTarget, libraryTargets, rawTargets, type Harness, type Target } from "./suite/targets.ts";

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

const progress = new Progress();
const startedAt = new Date();
const machineAtStart = machine();
const harness: Harness = { root, bun: process.execPath, node: "node", nodeBuild: `${root}.bench-build/` };
const comparing = options.compare !== null && !/^saved$|\.json$/.test(options.compare);
const mode = comparing ? "compare" : options.full ? "full" : "short";

/** --only, ignoring case. */
const matches = (name: string): boolean => name.toLowerCase().includes(options.only.toLowerCase());

/** Cases of this run, with the size of their request frames (the raw echo sends frames that size). */
function selectCases(): JobCase[] {
  const all: readonly BenchCase[] = options.full ? FULL_CASES : SHORT_CASES;
  const chosen = all.filter((c) => (c.placement === "same" || options.splitCpu !== null) && matches(`${c.id} ${c.label}`));
  if (options.splitCpu === null && all.some((c) => c.placement === "split")) progress.line("split-placement cases left out: no CPU for the server (--split-cpu)");
  return chosen.map((c) => ({
    ...c,
    frameBytes: encodeFrame(createRequest(ECHO_CODE, { body: c.bodyBytes === 0 ? null : new Uint8Array(c.bodyBytes), serializeType: c.serializeType })).length,
  }));
}

const skip = (part: Parameters<typeof options.skip.has>[0]): boolean => options.skip.has(part);
const cases = skip("e2e") ? [] : selectCases();
const pinning = options.cpu === null ? "not pinned" : `pinned to CPU ${options.cpu}${options.splitCpu !== null ? ` (split placement: server on CPU ${options.splitCpu})` : ""}`;
progress.line(
  `bun-remoting benchmark suite, ${mode}: ${cases.length} end-to-end cases, ${options.rounds} quiet rounds wanted (at most ${options.maxRounds}), ` +
    `${options.seconds} s per measurement, ${pinning}`,
);

// Build: the Node build of every library measured, and the Node bundles of the bench processes.
progress.line("building dist/ and the Node bundles of the bench processes");
buildLibrary(root);
await bundleHarness(harness);
const revisions = comparing ? new Revisions(root) : null;
const libraries: { root: string; revision: string | null; hasNodeBuild: boolean }[] = [];
if (revisions !== null) {
  const [a, b] = options.compare!.split(",");
  if (b === undefined) libraries.push({ root, revision: null, hasNodeBuild: true });
  for (const rev of b === undefined ? [a!] : [a!, b]) {
    progress.line(`checking out and building ${rev} in a temporary worktree`);
    const r = revisions.checkout(rev);
    libraries.push({ root: r.root, revision: r.name, hasNodeBuild: r.hasNodeBuild });
  }
} else libraries.push({ root, revision: null, hasNodeBuild: true });

// Targets and the ratios to take round by round.
const targets: Target[] = [];
const pairs: RatioPair[] = [];
for (const lib of libraries) {
  targets.push(...libraryTargets(harness, lib.root, lib.revision).filter((t) => !(t.runtime === "node" && (skip("node") || !lib.hasNodeBuild))));
}
const alternatives: AlternativeReport[] = [];
if (!comparing) {
  pairs.push({ name: "Bun build / Node build", numerator: "bun", denominator: "node", metric: "requestsPerSecond" });
  if (!skip("raw")) {
    targets.push(...rawTargets(harness).filter((t) => !(t.runtime === "node" && skip("node"))));
    pairs.push({ name: "invokeSync p50 / raw ping-pong p50 (Bun)", numerator: "bun", denominator: "raw-bun", metric: "p50Us", only: (c) => c.kind === "sync" });
    pairs.push({ name: "invokeSync p50 / raw ping-pong p50 (Node)", numerator: "node", denominator: "raw-node", metric: "p50Us", only: (c) => c.kind === "sync" });
  }
  for (const alt of COMPARED) {
    const target = (dir: string): Target => alternativeTarget(harness, alt.name as "ali-ons" | "rocketmq-nodejs", alt.version, dir);
    if (skip("alternatives") || skip("node") || !cases.some((c) => target("").runs(c))) {
      alternatives.push({ name: alt.name, version: alt.version, status: "skipped", reason: `${alt.about} Left out of this run (--skip, --only).` });
      continue;
    }
    progress.line(`alternatives: ${alt.name}@${alt.version}, installed into .bench-alternatives/ (not committed)`);
    const installed = install(`${root}.bench-alternatives/`, alt);
    if ("error" in installed) {
      alternatives.push({ name: alt.name, version: alt.version, status: "unusable", reason: `${alt.about} Not measured: ${installed.error}` });
      continue;
    }
    targets.push(target(installed.dir));
    pairs.push({ name: `${alt.name} / this library's Node build (same server)`, numerator: alt.name, denominator: "node", metric: "requestsPerSecond" });
    alternatives.push({ name: alt.name, version: alt.version, status: "measured", reason: alt.about });
  }
  alternatives.push(...NOT_COMPARED);
} else if (libraries.length === 2) {
  const [a, b] = libraries.map((l) => (l.revision === null ? "" : `@${l.revision}`));
  for (const runtime of ["bun", "node"]) pairs.push({ name: `${runtime}: ${a || "this tree"} / ${b}`, numerator: `${runtime}${a}`, denominator: `${runtime}${b}`, metric: "requestsPerSecond" });
}

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
    : await runRounds(
        {
          targets,
          cases,
          rounds: options.rounds,
          maxRounds: options.maxRounds,
          seconds: options.seconds,
          warmupS: options.warmupS,
          firstWarmupS: options.firstWarmupS,
          cpu: options.cpu,
          splitCpu: options.splitCpu,
          noiseLimitPct: options.noiseLimitPct,
          budgetS: options.budgetS,
        },
        progress,
      );
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
  machine: { ...machineAtStart, loadAtEnd: currentLoad() },
  runtimes: runtimes(root),
  settings: {
    rounds: options.rounds,
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
