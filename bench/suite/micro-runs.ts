import { spawnSync } from "node:child_process";
import { MICRO_MODULES, type MicroModuleName } from "../micro/micro.ts";
import { nanos } from "../report/format.ts";
import type { Progress } from "./progress.ts";
import type { MicroLine, MicroResult } from "./results.ts";
import { pinned } from "../e2e/pinned.ts";
import type { Harness } from "./targets.ts";

export interface MicroPlan {
  /** Library checkouts to measure: the working tree (revision null) and, comparing, others. */
  libraries: { root: string; revision: string | null }[];
  rounds: number;
  full: boolean;
  /** mitata's minimum measuring time per bench. */
  minMs: number;
  cpu: number | null;
  only: string;
  /** Which modules, in their usual order (default: all). */
  modules?: readonly MicroModuleName[];
}

/**
 * Each module in a process of its own (no JIT feedback or heap shared with the others), per
 * library; comparing, the libraries alternate in rotating order, round after round.
 */
export function runMicro(h: Pick<Harness, "root" | "bun">, plan: MicroPlan, progress: Progress): MicroResult[] {
  const results: MicroResult[] = [];
  for (let round = 1; round <= plan.rounds; round++) {
    for (const module of plan.modules ?? MICRO_MODULES) {
      const libs = plan.libraries.map((_, i) => plan.libraries[(i + round - 1) % plan.libraries.length]!);
      const shown: string[] = [];
      for (const lib of libs) {
        const [command, ...args] = pinned(plan.cpu === null ? [] : [plan.cpu], [h.bun, `${h.root}bench/micro/child.ts`, module, lib.root, String(plan.minMs), plan.full ? "full" : "short", plan.only]);
        const r = spawnSync(command!, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        if (r.status !== 0) {
          shown.push(`${lib.revision ?? "this tree"}: failed (${(r.stderr.trim().split("\n").pop() ?? "").slice(0, 120)})`);
          continue;
        }
        for (const text of r.stdout.split("\n").filter((l) => l.startsWith("{"))) {
          const line = JSON.parse(text) as MicroLine;
          results.push({ module, revision: lib.revision, round, ...line });
          if (lib === libs[0]) shown.push(`${line.name} ${nanos(line.ns.p50)}`);
        }
      }
      if (shown.length > 0) progress.line(`micro ${plan.rounds > 1 ? `round ${round} ` : ""}${module}: ${shown.join(" · ")}`);
    }
  }
  return results;
}
