import type { BenchCase } from "../e2e/cases.ts";
import { COMPARED, install, NOT_COMPARED } from "./alternatives.ts";
import type { Part } from "./options.ts";
import type { Progress } from "./progress.ts";
import type { AlternativeReport, NotApplicable } from "./results.ts";
import type { RatioPair } from "./summarize.ts";
import { alternativeTarget, libraryTargets, rawTargets, type Harness, type Target } from "./targets.ts";

/** A library checkout to measure: the working tree (revision null) or, comparing, another revision. */
export interface LibraryCheckout {
  root: string;
  revision: string | null;
  hasNodeBuild: boolean;
}

export interface TargetPlan {
  targets: Target[];
  /** The ratios to take round by round. */
  pairs: RatioPair[];
  alternatives: AlternativeReport[];
  /** Cases a target cannot run for a reason the page gives. */
  notApplicable: NotApplicable[];
}

/** Per target, the cases it does not run and says why (grouped by reason). */
export function notApplicableOf(targets: readonly Target[], cases: readonly BenchCase[]): NotApplicable[] {
  const out: NotApplicable[] = [];
  for (const t of targets) {
    for (const c of cases) {
      const reason = t.runs(c) ? null : t.whyNot(c);
      if (reason === null) continue;
      const entry = out.find((x) => x.target === t.id && x.reason === reason);
      if (entry === undefined) out.push({ target: t.id, caseIds: [c.id], reason });
      else entry.caseIds.push(c.id);
    }
  }
  return out;
}

/**
 * What a run measures. A normal run: this library on Bun and Node, the raw limit on both, and the
 * alternatives (installed on first use). Comparing: the library on Bun and Node, per revision.
 */
export function planTargets(h: Harness, libraries: LibraryCheckout[], cases: BenchCase[], skip: (part: Part) => boolean, progress: Progress): TargetPlan {
  const targets = libraries.flatMap((lib) => libraryTargets(h, lib.root, lib.revision).filter((t) => !(t.runtime === "node" && (skip("node") || !lib.hasNodeBuild))));
  const pairs: RatioPair[] = [];
  const alternatives: AlternativeReport[] = [];
  if (libraries.length === 2) {
    const [a, b] = libraries.map((l) => (l.revision === null ? "" : `@${l.revision}`));
    for (const runtime of ["bun", "node"]) pairs.push({ name: `${runtime}: ${a || "this tree"} / ${b}`, numerator: `${runtime}${a}`, denominator: `${runtime}${b}`, metric: "requestsPerSecond" });
    return { targets, pairs, alternatives, notApplicable: notApplicableOf(targets, cases) };
  }
  pairs.push({ name: "Bun build / Node build", numerator: "bun", denominator: "node", metric: "requestsPerSecond" });
  if (!skip("raw")) {
    targets.push(...rawTargets(h).filter((t) => !(t.runtime === "node" && skip("node"))));
    for (const [runtime, name] of [["bun", "Bun"], ["node", "Node"]]) {
      // The echo's: a send's raw target is the ceiling on a broker, not a ping-pong.
      pairs.push({ name: `invokeSync p50 / raw ping-pong p50 (${name})`, numerator: runtime!, denominator: `raw-${runtime}`, metric: "p50Us", only: (c) => c.kind === "sync" && c.call === "echo" });
    }
  }
  for (const alt of COMPARED) {
    const target = (dir: string): Target => alternativeTarget(h, alt.name, alt.version, dir);
    if (skip("alternatives") || skip("node") || !cases.some((c) => target("").runs(c))) {
      alternatives.push({ name: alt.name, version: alt.version, status: "skipped", reason: `${alt.about} Left out of this run (--skip, --only).` });
      continue;
    }
    progress.line(`alternatives: ${alt.name}@${alt.version} (installed from npm into .bench-alternatives/ on first use; not committed)`);
    const installed = install(`${h.root}.bench-alternatives/`, alt);
    if ("error" in installed) {
      alternatives.push({ name: alt.name, version: alt.version, status: "unusable", reason: `${alt.about} Not measured: ${installed.error}` });
      continue;
    }
    targets.push(target(installed.dir));
    pairs.push({ name: `${alt.name} / this library's Node build (same server)`, numerator: alt.name, denominator: "node", metric: "requestsPerSecond" });
    // The producer issue's target is set against the Producer on Bun.
    pairs.push({ name: `this library's Bun build / ${alt.name} (the same broker)`, numerator: "bun", denominator: alt.name, metric: "requestsPerSecond", only: (c) => c.call === "send" });
    // What no producer can beat on that broker, against the same alternative (where the raw frames ran).
    if (!skip("raw")) pairs.push({ name: `raw frames, the ceiling / ${alt.name} (the same broker)`, numerator: "raw-bun", denominator: alt.name, metric: "requestsPerSecond", only: (c) => c.call === "send" });
    alternatives.push({ name: alt.name, version: alt.version, status: "measured", reason: alt.about });
  }
  alternatives.push(...NOT_COMPARED);
  return { targets, pairs, alternatives, notApplicable: notApplicableOf(targets, cases) };
}
