import type { Results } from "../suite/results.ts";
import { median, spread } from "../suite/spread.ts";
import { count, micros, spreadText, times } from "./format.ts";
import { summaryOf, textTable, type Table } from "./tables.ts";

/**
 * Compare mode's report: per case and runtime, the ratio of two library revisions taken round by
 * round (they ran interleaved), and per microbenchmark the ratio of median times, round by round.
 */
export function compareReport(r: Results): string {
  const e2e: Table = {
    header: ["case", "comparison", "throughput ratio: median [min–max] over rounds", "A", "B"],
    rows: r.ratios.map((x) => {
      const c = r.cases.find((k) => k.id === x.caseId)!;
      const a = summaryOf(r, x.caseId, x.numerator)?.requestsPerSecond ?? null;
      const b = summaryOf(r, x.caseId, x.denominator)?.requestsPerSecond ?? null;
      return [c.label, x.name, spreadText(x.ratio, times), `${spreadText(a, count)}/s`, `${spreadText(b, count)}/s`];
    }),
  };
  const revisions = [...new Set(r.micro.map((m) => m.revision))];
  const microRows: string[][] = [];
  if (revisions.length === 2) {
    const [a, b] = revisions;
    const keys = [...new Set(r.micro.map((m) => `${m.group}\u0000${m.name}`))];
    for (const key of keys) {
      const of = (rev: string | null) => r.micro.filter((m) => `${m.group}\u0000${m.name}` === key && m.revision === rev);
      const perRound = of(a!).map((m) => {
        const other = of(b!).find((o) => o.round === m.round);
        return other === undefined ? NaN : other.ns.p50 / m.ns.p50;
      });
      const [group, name] = key.split("\u0000");
      microRows.push([`${group}: ${name}`, spreadText(spread(perRound), times)]);
    }
  }
  const label = (rev: string | null | undefined): string => (rev === null || rev === undefined ? "this tree" : rev);
  const micro: Table = { header: ["microbenchmark", `speed ${label(revisions[0])} / ${label(revisions[1])} (time ratio B/A per round)`], rows: microRows };
  return [
    "Comparison: A / B per round (>1: A is faster), interleaved in one run",
    ...(e2e.rows.length > 0 ? [textTable(e2e)] : []),
    ...(microRows.length > 0 ? ["", textTable(micro)] : []),
  ].join("\n");
}

/**
 * The working tree now against saved results: ratios of medians across two runs. The machine may
 * have changed in between (load, temperature, other tenants), which interleaving would cancel;
 * read small differences as noise.
 */
export function compareWithSaved(now: Results, saved: Results, file: string): string {
  const rows: string[][] = [];
  for (const s of now.summary) {
    const old = saved.summary.find((o) => o.caseId === s.caseId && o.target === s.target);
    const c = now.cases.find((k) => k.id === s.caseId)!;
    if (old === undefined || s.requestsPerSecond === null || old.requestsPerSecond === null) continue;
    rows.push([
      c.label,
      s.target,
      `${count(s.requestsPerSecond.median)}/s`,
      `${count(old.requestsPerSecond.median)}/s`,
      times(s.requestsPerSecond.median / old.requestsPerSecond.median),
      s.p50Us !== null && old.p50Us !== null ? `${micros(s.p50Us.median)} vs ${micros(old.p50Us.median)}` : "–",
    ]);
  }
  for (const m of now.micro) {
    const old = saved.micro.filter((o) => o.group === m.group && o.name === m.name).map((o) => o.ns.p50);
    if (old.length > 0) rows.push([`${m.group}: ${m.name}`, "micro", `${m.ns.p50.toFixed(1)} ns`, `${median(old).toFixed(1)} ns`, times(median(old) / m.ns.p50), "–"]);
  }
  return [
    `Against ${file} (commit ${saved.git.commit.slice(0, 7)}, ${saved.startedAt}): ratios across two runs, not interleaved, so machine drift is not cancelled`,
    textTable({ header: ["case", "target", "now", "saved", "now / saved (speed)", "p50 now vs saved"], rows }),
  ].join("\n");
}
