import { parseArgs } from "node:util";
import { FRESH_WARMUP_S, SEND_FRESH_WARMUP_S } from "../e2e/cases.ts";
import { defaultCpus } from "./cpus.ts";

export const USAGE = `Usage: npm run bench [-- options]        (or: bun bench/run.ts [options])

The benchmark suite, on loopback: end-to-end calls between a client and a server process (this
library on Bun and on Node, the raw socket limit on both, and alternatives from npm), and
microbenchmarks of the codec, frame decoder, response table and write queue. Progress goes to
stderr; the results to bench/results/<date>-<mode>-<commit>.json and BENCHMARKS.md (with charts).

Run size
  (default)              short: the headline cases and the sweeps of body size (pipelined),
                         connections (pipelined) and I/O worker threads; 2 quiet rounds of the
                         headline cases, 1 of the other sweep points; ~3 minutes
  --full                 every case (kinds x bodies x headers x connections x placement, every
                         sweep), 3 quiet rounds, longer measurements, every microbenchmark:
                         ~20-25 minutes
  --rounds N             quiet rounds wanted per case (short 2, full 3)
  --sweep-rounds N       quiet rounds wanted for the sweep points that are not headline cases
                         (short 1, full as --rounds)
  --max-rounds N         rounds at most, quiet or not (short 3, full 9)
  --seconds S            measured seconds per case and target (short 1, full 2)
  --warmup S             load before measuring each case (short 0.3, full 0.5; a case on freshly
                         started processes gets ${FRESH_WARMUP_S} s, for the JIT, a send case ${SEND_FRESH_WARMUP_S} s)
  --budget S             start no round expected to end after this many seconds (short 180,
                         full none)
  --only TEXT            only cases and microbenchmarks whose name contains TEXT
  --skip LIST            leave out parts, comma-separated: micro, e2e, raw, node, alternatives

Placement and noise
  --cpu N|none           CPU for the client and its server (default: the highest-numbered CPU this
                         process may use, CPU 0 taking most interrupts; none: not pinned)
  --split-cpu N|none     the server's CPU in split-placement cases, and the second CPU of the I/O
                         worker cases (default: the next CPU down when --cpu is not given, none
                         otherwise; none skips those cases)
  --noise-pct P          a case's round counts only if other processes used at most P% of the
                         measured CPUs during each of its measurements (default 10)
  --quiet-wait S         before starting, wait up to S seconds for the CPUs to be quiet (10; full 60)

Comparison
  --compare REV          this working tree against git revision REV (a temporary worktree, built
                         and removed afterwards), interleaved round by round; prints ratios with
                         their spread. Runs the library targets and the microbenchmarks only.
  --compare REV1,REV2    REV1 against REV2, both from temporary worktrees
  --compare saved|FILE   this tree now against the newest saved results (or FILE): ratios of
                         medians across two runs, so machine drift is not cancelled out

Output
  --note TEXT            stored with the results and shown on the page (e.g. "provisional: ...")
  --no-save              print only: write no results file and leave BENCHMARKS.md alone
  --render [FILE]        only re-render BENCHMARKS.md and its charts from FILE (default: the newest
                         results of a short or full run)
  -h, --help             this text
`;

export type Part = "micro" | "e2e" | "raw" | "node" | "alternatives";

export interface SuiteOptions {
  full: boolean;
  rounds: number;
  /** Quiet rounds wanted for the sweep points that are not headline cases. */
  sweepRounds: number;
  maxRounds: number;
  seconds: number;
  warmupS: number;
  firstWarmupS: number;
  budgetS: number;
  only: string;
  skip: Set<Part>;
  cpu: number | null;
  splitCpu: number | null;
  noiseLimitPct: number;
  quietWaitS: number;
  compare: string | null;
  note: string | null;
  save: boolean;
  /** --render: the results file to render (empty: the newest), or null when not rendering only. */
  render: string | null;
  help: boolean;
}

const PARTS: readonly Part[] = ["micro", "e2e", "raw", "node", "alternatives"];

/** A --cpu style value: a CPU number, "none" (null), or `fallback` when not given. */
export function cpuOption(value: string | undefined, fallback: number | null, name: string): number | null {
  if (value === undefined) return fallback;
  if (value === "none") return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} takes a CPU number or "none", not "${value}"`);
  return n;
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${name} takes a positive number, not "${value}"`);
  return n;
}

export function parseOptions(argv: string[]): SuiteOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    options: {
      full: { type: "boolean", default: false },
      rounds: { type: "string" },
      "sweep-rounds": { type: "string" },
      "max-rounds": { type: "string" },
      seconds: { type: "string" },
      warmup: { type: "string" },
      budget: { type: "string" },
      only: { type: "string", default: "" },
      skip: { type: "string", default: "" },
      cpu: { type: "string" },
      "split-cpu": { type: "string" },
      "noise-pct": { type: "string" },
      "quiet-wait": { type: "string" },
      compare: { type: "string" },
      note: { type: "string" },
      "no-save": { type: "boolean", default: false },
      render: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  const full = values.full;
  const rounds = positive(values.rounds, full ? 3 : 2, "--rounds");
  const sweepRounds = positive(values["sweep-rounds"], full ? rounds : 1, "--sweep-rounds");
  const skip = new Set(values.skip.split(",").filter((s) => s !== "") as Part[]);
  for (const part of skip) if (!PARTS.includes(part)) throw new Error(`--skip: unknown part "${part}" (one of ${PARTS.join(", ")})`);
  const defaults = defaultCpus();
  const cpu = cpuOption(values.cpu, defaults.cpu, "--cpu");
  const splitDefault = cpu === defaults.cpu ? defaults.splitCpu : null;
  return {
    full,
    rounds,
    sweepRounds,
    maxRounds: Math.max(rounds, sweepRounds, positive(values["max-rounds"], full ? rounds * 3 : rounds + 1, "--max-rounds")),
    seconds: positive(values.seconds, full ? 2 : 1, "--seconds"),
    warmupS: positive(values.warmup, full ? 0.5 : 0.3, "--warmup"),
    firstWarmupS: FRESH_WARMUP_S,
    budgetS: positive(values.budget, full ? Infinity : 180, "--budget"),
    only: values.only,
    skip,
    cpu,
    splitCpu: cpu === null ? null : cpuOption(values["split-cpu"], splitDefault, "--split-cpu"),
    noiseLimitPct: positive(values["noise-pct"], 10, "--noise-pct"),
    quietWaitS: positive(values["quiet-wait"], full ? 60 : 10, "--quiet-wait"),
    compare: values.compare ?? null,
    note: values.note ?? null,
    save: !values["no-save"],
    render: values.render ? (positionals[0] ?? "") : null,
    help: values.help,
  };
}
