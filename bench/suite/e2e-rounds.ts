import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { sizeLabel, type BenchCase } from "../e2e/cases.ts";
import type { CaseMeasurement, ClientJob, JobCase } from "../e2e/job.ts";
import { count } from "../report/format.ts";
import type { SuiteOptions } from "./options.ts";
import type { Progress } from "./progress.ts";
import type { RoundMeasurement } from "./results.ts";
import { pinned, type Target } from "./targets.ts";

/**
 * The suite's options that shape the rounds (rounds: quiet ones wanted per case; budgetS: no new
 * round starts once the suite has run this long), and what to run.
 */
export interface RoundPlan extends Pick<SuiteOptions, "rounds" | "maxRounds" | "seconds" | "warmupS" | "firstWarmupS" | "cpu" | "splitCpu" | "noiseLimitPct" | "budgetS"> {
  targets: Target[];
  cases: JobCase[];
}

const isQuiet = (m: CaseMeasurement, limit: number): boolean => (m.noiseCpuPct ?? 0) <= limit;

/** Runs one target's client process over `cases`; resolves with what it measured. */
function runClient(t: Target, cases: JobCase[], plan: RoundPlan, onCase: (m: CaseMeasurement) => void): Promise<CaseMeasurement[]> {
  const job: ClientJob = {
    driver: t.driver,
    cases,
    seconds: plan.seconds,
    warmupS: plan.warmupS,
    firstWarmupS: plan.firstWarmupS,
    server: { same: pinned(plan.cpu, t.server), split: plan.splitCpu === null ? null : pinned(plan.splitCpu, t.server) },
    cpus: { same: plan.cpu === null ? [] : [plan.cpu], split: plan.cpu === null || plan.splitCpu === null ? [] : [plan.cpu, plan.splitCpu] },
  };
  const [command, ...args] = pinned(plan.cpu, [...t.client, JSON.stringify(job)]);
  const child = spawn(command!, args, { stdio: ["ignore", "pipe", "inherit"] });
  const out: CaseMeasurement[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    const m = JSON.parse(line) as CaseMeasurement;
    out.push(m);
    onCase(m);
  });
  // A client that hangs (a lost answer, a peer that died) is stopped: its cases count as failed.
  const limitMs = 30_000 + cases.length * (plan.seconds + plan.firstWarmupS + 15) * 1000;
  const watchdog = setTimeout(() => {
    process.stderr.write(`${t.id}: client still running after ${limitMs / 1000} s, stopped\n`);
    child.kill("SIGKILL");
  }, limitMs);
  return new Promise((resolve) =>
    child.on("close", () => {
      clearTimeout(watchdog);
      resolve(out);
    }),
  );
}

/**
 * Rounds of every target over the cases, the target order rotating from round to round. A case's
 * round counts when none of its measurements saw other processes use more than the noise limit of
 * the measured CPUs; rounds go on, for the cases that still need them, until each case has
 * `rounds` quiet ones, `maxRounds` were run, or the time budget is spent.
 */
export async function runRounds(plan: RoundPlan, progress: Progress): Promise<RoundMeasurement[]> {
  const all: RoundMeasurement[] = [];
  const quietRounds = new Map<string, number>(plan.cases.map((c) => [c.id, 0]));
  let lastRoundS = 0;
  for (let round = 1; round <= plan.maxRounds; round++) {
    const pending = plan.cases.filter((c) => quietRounds.get(c.id)! < plan.rounds);
    if (pending.length === 0) break;
    if (round > 1 && progress.elapsedS + lastRoundS > plan.budgetS) {
      progress.line(`time budget (${plan.budgetS} s) reached: no round ${round}`);
      break;
    }
    const roundStart = progress.elapsedS;
    const order = plan.targets.map((_, i) => plan.targets[(i + round - 1) % plan.targets.length]!);
    for (const t of order) {
      const cases = pending.filter((c) => t.runs(c));
      if (cases.length === 0) continue;
      const shown: string[] = [];
      const measured = await runClient(t, cases, plan, (m) => {
        all.push({ ...m, round, target: t.id, quiet: isQuiet(m, plan.noiseLimitPct) });
        shown.push(`${shortName(cases.find((c) => c.id === m.caseId)!)} ${count(m.requestsPerSecond)}/s${isQuiet(m, plan.noiseLimitPct) ? "" : ` (noisy: ${m.noiseCpuPct!.toFixed(0)}%)`}`);
      });
      const failed = cases.length - measured.length;
      progress.line(`round ${round} ${t.id.padEnd(9)} ${shown.join(" · ")}${failed > 0 ? ` · ${failed} case(s) FAILED` : ""}`);
    }
    for (const c of pending) {
      const ofRound = all.filter((m) => m.round === round && m.caseId === c.id);
      if (ofRound.length > 0 && ofRound.every((m) => m.quiet)) quietRounds.set(c.id, quietRounds.get(c.id)! + 1);
    }
    lastRoundS = progress.elapsedS - roundStart;
  }
  return all;
}

/** A compact case name for progress lines. */
export function shortName(c: BenchCase): string {
  const kind = c.kind === "sync" ? `sync×${c.inFlight}` : c.kind === "oneway" ? `oneway×${c.inFlight}` : `×${c.inFlight}`;
  const body = sizeLabel(c.bodyBytes).replace(" ", "");
  return `${c.call === "send" ? "send " : ""}${kind} ${c.serializeType === "JSON" ? "json" : "rmq"} ${body}${c.connections > 1 ? ` c${c.connections}` : ""}${c.placement === "split" ? " split" : ""}`;
}
