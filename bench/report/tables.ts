import type { BenchCase } from "../e2e/cases.ts";
import type { CaseSummary, MicroResult, RatioSummary, Results } from "../suite/results.ts";
import { median } from "../suite/spread.ts";
import { count, megabytes, micros, nanos, percent, spreadText, times } from "./format.ts";

/** The report's tables as rows of text, rendered as Markdown (the page) or aligned text (the terminal). */
export interface Table {
  header: string[];
  rows: string[][];
  /** Lines shown under the table (what its "n/a" cells mean). */
  notes?: string[];
}

export function summaryOf(r: Results, caseId: string, target: string): CaseSummary | undefined {
  return r.summary.find((s) => s.caseId === caseId && s.target === target);
}

export function ratioOf(r: Results, caseId: string, numerator: string, denominator: string, metric: RatioSummary["metric"] = "requestsPerSecond"): RatioSummary | undefined {
  return r.ratios.find((x) => x.caseId === caseId && x.numerator === numerator && x.denominator === denominator && x.metric === metric);
}

const LARGE_BODY = 64 * 1024;

/** Why `target` did not run the case, when the run recorded a reason ("n/a" cells); else null. */
export function notApplicable(r: Results, caseId: string, target: string): string | null {
  return r.notApplicable.find((x) => x.target === target && x.caseIds.includes(caseId))?.reason ?? null;
}

/** What an empty cell shows: "n/a" where the target cannot run the case (the table's notes say why), else "–". */
export function emptyCell(r: Results, caseId: string, targets: readonly string[]): string {
  return targets.some((t) => notApplicable(r, caseId, t) !== null) ? "n/a" : "–";
}

/** The reasons behind the "n/a" cells of these cases, once each. */
export function notApplicableNotes(r: Results, caseIds: readonly string[]): string[] {
  const reasons = r.notApplicable.filter((x) => x.caseIds.some((id) => caseIds.includes(id))).map((x) => x.reason);
  return [...new Set(reasons)].map((reason) => `n/a: ${reason}.`);
}

/** Throughput with its spread; MB/s too where bodies are large. */
function throughputCell(r: Results, c: BenchCase, target: string): string {
  const s = summaryOf(r, c.id, target);
  if (s === undefined) return emptyCell(r, c.id, [target]);
  const rate = `${spreadText(s.requestsPerSecond, count)}/s`;
  return c.bodyBytes >= LARGE_BODY ? `${rate} · ${spreadText(s.mbPerSecond, megabytes)}` : rate;
}

export const present = (r: Results, id: string): boolean => r.targets.some((t) => t.id === id);

/** The library's throughput over the raw echo's, same runtime and case, per round; "n/a" where either could not run. */
export function shareCell(r: Results, caseId: string, target: string, raw: string): string {
  const share = summaryOf(r, caseId, target)?.ofLimit ?? null;
  return share === null ? emptyCell(r, caseId, [target, raw]) : spreadText(share, percent);
}

/** Bun build / Node build on the case, per round; "n/a" where one of them could not run it. */
export function bunNodeCell(r: Results, caseId: string): string {
  const ratio = ratioOf(r, caseId, "bun", "node")?.ratio ?? null;
  return ratio === null ? emptyCell(r, caseId, ["bun", "node"]) : spreadText(ratio, times);
}

/** Per case: each target's throughput, the library's share of its runtime's raw limit, Bun / Node. */
export function throughputTable(r: Results): Table {
  const libs = r.targets.filter((t) => t.role !== "alternative");
  const header = ["case", ...libs.map((t) => t.label)];
  const withLimit = libs.filter((t) => t.role === "library" && r.targets.some((x) => x.role === "raw" && x.runtime === t.runtime));
  header.push(...withLimit.map((t) => `${t.runtime === "bun" ? "Bun" : "Node"}: share of raw limit`));
  const bunNode = present(r, "bun") && present(r, "node");
  if (bunNode) header.push("Bun / Node");
  const rows = r.cases.map((c) => [
    c.label,
    ...libs.map((t) => throughputCell(r, c, t.id)),
    ...withLimit.map((t) => shareCell(r, c.id, t.id, `raw-${t.runtime}`)),
    ...(bunNode ? [bunNodeCell(r, c.id)] : []),
  ]);
  return { header, rows, notes: notApplicableNotes(r, r.cases.map((c) => c.id)) };
}

/** Per case: per-request latency p50 / p99 / p999 (medians over the rounds). */
export function latencyTable(r: Results): Table {
  const targets = r.targets.filter((t) => t.role !== "alternative");
  const cell = (caseId: string, target: string): string => {
    const s = summaryOf(r, caseId, target);
    return s === undefined || s.p50Us === null ? emptyCell(r, caseId, [target]) : [s.p50Us, s.p99Us, s.p999Us].map((x) => (x === null ? "–" : micros(x.median))).join(" / ");
  };
  const cases = r.cases.filter((c) => c.kind !== "oneway");
  return {
    header: ["case", ...targets.map((t) => `${t.label}: p50 / p99 / p999`)],
    rows: cases.map((c) => [c.label, ...targets.map((t) => cell(c.id, t.id))]),
    notes: notApplicableNotes(r, cases.map((c) => c.id)),
  };
}

/** The alternatives measured, next to this library's Node build on the same cases and server. */
export function alternativesTable(r: Results): Table | null {
  const rows: string[][] = [];
  for (const alt of r.targets.filter((t) => t.role === "alternative")) {
    for (const c of r.cases) {
      const a = summaryOf(r, c.id, alt.id);
      if (a === undefined) continue;
      const ours = summaryOf(r, c.id, "node");
      const p50 = (s: CaseSummary | undefined): string => (s?.p50Us ? micros(s.p50Us.median) : "–");
      rows.push([
        alt.label,
        c.label,
        `${spreadText(a.requestsPerSecond, count)}/s`,
        ours === undefined ? "–" : `${spreadText(ours.requestsPerSecond, count)}/s`,
        spreadText(ratioOf(r, c.id, alt.id, "node")?.ratio ?? null, times),
        `${p50(a)} / ${p50(ours)}`,
      ]);
    }
  }
  if (rows.length === 0) return null;
  return { header: ["alternative (Node)", "case", "its client", "this library's Node client", "it / this library", "p50: it / this library"], rows };
}

/** Microbenchmarks: median time per call [quartiles], mean, and the rate the mean gives. */
export function microTable(micro: MicroResult[]): Table {
  const rows = micro.map((m) => [
    m.group,
    m.name,
    `${nanos(m.ns.p50)} [${nanos(m.ns.p25)}–${nanos(m.ns.p75)}]`,
    nanos(m.ns.avg),
    m.perCall === 1 && m.unit === "calls" ? `${count(1e9 / m.ns.avg)}/s` : `${count((m.perCall * 1e9) / m.ns.avg)} ${m.unit}/s`,
  ]);
  return { header: ["group", "bench", "per call: median [p25–p75]", "mean", "rate (from the mean)"], rows };
}

/** Per case: rounds counted and discarded as noisy, and the noise seen. */
export function roundsTable(r: Results): Table {
  return {
    header: ["case", "rounds counted", "discarded (noisy)", "others' CPU use, median [max]", "failed calls"],
    rows: r.cases.map((c) => {
      const s = r.summary.find((x) => x.caseId === c.id);
      const noise = r.measurements.filter((m) => m.caseId === c.id).map((m) => m.noiseCpuPct ?? NaN).filter(Number.isFinite);
      return [
        c.label,
        s === undefined ? "0" : `${s.roundsCounted}${s.noisy ? " (none quiet: all shown)" : ""}`,
        s === undefined ? "–" : String(s.roundsDiscarded),
        noise.length === 0 ? "–" : `${median(noise).toFixed(1)}% [${Math.max(...noise).toFixed(1)}%]`,
        String(r.measurements.filter((m) => m.caseId === c.id).reduce((sum, m) => sum + m.errors, 0)),
      ];
    }),
  };
}

const notesOf = (t: Table, bullet: string): string[] => (t.notes ?? []).map((note) => `${bullet}${note}`);

export function markdownTable(t: Table): string {
  const escape = (cell: string): string => cell.replaceAll("|", "\\|");
  const table = [t.header, t.header.map(() => "---"), ...t.rows].map((row) => `| ${row.map(escape).join(" | ")} |`);
  const notes = notesOf(t, "");
  return [...table, ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
}

export function textTable(t: Table): string {
  const widths = t.header.map((_, i) => Math.max(...[t.header, ...t.rows].map((row) => (row[i] ?? "").length)));
  return [...[t.header, ...t.rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()), ...notesOf(t, "  ")].join("\n");
}
