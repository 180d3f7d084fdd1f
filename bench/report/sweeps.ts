import type { Results, SweepInfo } from "../suite/results.ts";
import { count, megabytes, micros } from "./format.ts";
import { bunNodeCell, emptyCell, notApplicableNotes, present, shareCell, summaryOf, type Table } from "./tables.ts";

/**
 * The sweeps as tables, a row per point (body size, connections, I/O threads): medians over the
 * counted rounds (the throughput table has their spreads), and per round the ratios that say
 * where the Bun build pays off and how close each build comes to its runtime's raw echo.
 */

const RUNTIMES = [
  { id: "bun", name: "Bun" },
  { id: "node", name: "Node" },
] as const;

/** The median throughput of a target on a case: requests/s, and MB/s where bodies vary. */
function rateCell(r: Results, caseId: string, target: string, withMegabytes: boolean): string {
  const s = summaryOf(r, caseId, target);
  if (s?.requestsPerSecond == null) return emptyCell(r, caseId, [target]);
  const rate = `${count(s.requestsPerSecond.median)}/s`;
  return withMegabytes && s.mbPerSecond !== null ? `${rate} · ${megabytes(s.mbPerSecond.median)}` : rate;
}

function p50Cell(r: Results, caseId: string, target: string): string {
  const p50 = summaryOf(r, caseId, target)?.p50Us ?? null;
  return p50 === null ? emptyCell(r, caseId, [target]) : micros(p50.median);
}

export function sweepTable(r: Results, sweep: SweepInfo): Table {
  const runtimes = RUNTIMES.filter((rt) => present(r, rt.id));
  const withRaw = runtimes.filter((rt) => present(r, `raw-${rt.id}`));
  const bunNode = runtimes.length === 2;
  const header = [
    sweep.axis,
    "load",
    ...runtimes.map((rt) => rt.name),
    ...(bunNode ? ["Bun / Node"] : []),
    ...withRaw.map((rt) => `${rt.name} ÷ raw ${rt.name}`),
    ...runtimes.map((rt) => `p50 ${rt.name}`),
  ];
  const rows = sweep.rows.map(({ caseId, point, shape }) => [
    point,
    shape,
    ...runtimes.map((rt) => rateCell(r, caseId, rt.id, sweep.megabytes)),
    ...(bunNode ? [bunNodeCell(r, caseId)] : []),
    ...withRaw.map((rt) => shareCell(r, caseId, rt.id, `raw-${rt.id}`)),
    ...runtimes.map((rt) => p50Cell(r, caseId, rt.id)),
  ]);
  return { header, rows, notes: notApplicableNotes(r, sweep.rows.map((row) => row.caseId)) };
}

/** Every sweep of the run with at least one row measured, each with its title and what its rows share. */
export function sweepTables(r: Results): { sweep: SweepInfo; table: Table }[] {
  return r.sweeps.filter((sweep) => sweep.rows.some((row) => r.summary.some((s) => s.caseId === row.caseId))).map((sweep) => ({ sweep, table: sweepTable(r, sweep) }));
}
