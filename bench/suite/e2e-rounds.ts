import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { sizeLabel, type BenchCase } from "../e2e/cases.ts";
import type { CaseMeasurement, ClientJob, JobCase } from "../e2e/job.ts";
import { pinned } from "../e2e/pinned.ts";
import { count } from "../report/format.ts";
import type { SuiteOptions } from "./options.ts";
import { estimateRoundS } from "./estimate.ts";
import { clientGroups, placementCpus } from "./placement.ts";
import type { Progress } from "./progress.ts";
import type { RoundMeasurement } from "./results.ts";
import type { Target } from "./targets.ts";

/**
 * The suite's options that shape the rounds (budgetS: no round starts that is expected to end
 * after the suite has run this long), what to run, and how many quiet rounds each case wants.
 */
export interface RoundPlan extends Pick<SuiteOptions, "maxRounds" | "seconds" | "warmupS" | "firstWarmupS" | "cpu" | "splitCpu" | "noiseLimitPct" | "budgetS"> {
  targets: Target[];
  cases: JobCase[];
  roundsWanted(c: BenchCase): number;
}

const isQuiet = (m: CaseMeasurement, limit: number): boolean => (m.noiseCpuPct ?? 0) <= limit;

/** Runs one client process of a target over `cases` (which share client CPUs); resolves with what it measured. */
function runClient(t: Target, cases: JobCase[], plan: RoundPlan, onCase: (m: CaseMeasurement) => void): Promise<CaseMeasurement[]> {
  const cpusOf = (c: BenchCase) => placementCpus(c.placement, plan.cpu, plan.splitCpu);
  const job: ClientJob = {
    driver: t.driver,
    runs: cases.map((c) => ({ case: c, server: pinned(cpusOf(c).server, t.server(c)), cpus: cpusOf(c).all, clientCpus: cpusOf(c).client })),
    seconds: plan.seconds,
    warmupS: plan.warmupS,
    firstWarmupS: plan.firstWarmupS,
  };
  const [command, ...args] = pinned(cpusOf(cases[0]!).client, [...t.client, JSON.stringify(job)]);
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
 * the measured CPUs; rounds go on, for the cases that still need them, until each case has the
 * quiet rounds it wants, `maxRounds` were run, or the next round would end past the time budget.
 */
export async function runRounds(plan: RoundPlan, progress: Progress): Promise<RoundMeasurement[]> {
  const all: RoundMeasurement[] = [];
  const quietRounds = new Map<string, number>(plan.cases.map((c) => [c.id, 0]));
  for (let round = 1; round <= plan.maxRounds; round++) {
    const pending = plan.cases.filter((c) => quietRounds.get(c.id)! < plan.roundsWanted(c));
    if (pending.length === 0) break;
    const expectedS = estimateRoundS(plan.targets, pending, plan);
    if (round > 1 && progress.elapsedS + expectedS > plan.budgetS) {
      progress.line(`time budget (${plan.budgetS} s) reached: no round ${round} (about ${Math.round(expectedS)} s for ${pending.length} case(s))`);
      break;
    }
    const order = plan.targets.map((_, i) => plan.targets[(i + round - 1) % plan.targets.length]!);
    for (const t of order) {
      for (const cases of clientGroups(pending.filter((c) => t.runs(c)), plan.cpu, plan.splitCpu) as JobCase[][]) {
        const shown: string[] = [];
        const measured = await runClient(t, cases, plan, (m) => {
          all.push({ ...m, round, target: t.id, quiet: isQuiet(m, plan.noiseLimitPct) });
          shown.push(`${shortName(cases.find((c) => c.id === m.caseId)!)} ${count(m.requestsPerSecond)}/s${isQuiet(m, plan.noiseLimitPct) ? "" : ` (noisy: ${m.noiseCpuPct!.toFixed(0)}%)`}`);
        });
        const failed = cases.length - measured.length;
        progress.line(`round ${round} ${t.id.padEnd(9)} ${shown.join(" · ")}${failed > 0 ? ` · ${failed} case(s) FAILED` : ""}`);
      }
    }
    for (const c of pending) {
      const ofRound = all.filter((m) => m.round === round && m.caseId === c.id);
      if (ofRound.length > 0 && ofRound.every((m) => m.quiet)) quietRounds.set(c.id, quietRounds.get(c.id)! + 1);
    }
  }
  return all;
}

/** A compact case name for progress lines. */
export function shortName(c: BenchCase): string {
  const kind = c.kind === "sync" ? `sync×${c.inFlight}` : c.kind === "oneway" ? `oneway×${c.inFlight}` : `×${c.inFlight}`;
  const body = sizeLabel(c.bodyBytes).replace(" ", "");
  const where = [
    c.connections > 1 ? `c${c.connections}` : "",
    c.clientProcesses > 1 ? `p${c.clientProcesses}` : "",
    c.ioWorkers > 0 ? `io${c.ioWorkers}` : "",
    c.placement === "split" ? "split" : "",
  ].filter((s) => s !== "");
  return `${c.call === "send" ? "send " : ""}${kind} ${c.serializeType === "JSON" ? "json" : "rmq"} ${body}${where.map((s) => ` ${s}`).join("")}`;
}
