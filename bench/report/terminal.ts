import type { Results } from "../suite/results.ts";
import { headlineTable } from "./headlines.ts";
import { sweepTables } from "./sweeps.ts";
import { alternativesTable, latencyTable, microTable, roundsTable, textTable, throughputTable, type Table } from "./tables.ts";

/** The report printed at the end of a run: the page's tables, as aligned text. */
export function terminalReport(r: Results): string {
  const sections: [string, Table | null][] = [
    ["Headline figures", headlineTable(r)],
    ...sweepTables(r).map(({ sweep, table }): [string, Table] => [`Sweep: ${sweep.title} (medians; ratios per round)\n${sweep.about}`, table]),
    ["Throughput: median [min–max] over the counted rounds", throughputTable(r)],
    ["Latency per request (median over rounds)", latencyTable(r)],
    ["Alternatives", alternativesTable(r)],
    ["Microbenchmarks (mitata, one process per module)", r.micro.length > 0 ? microTable(r.micro) : null],
    ["Rounds", roundsTable(r)],
  ];
  return sections
    .filter(([, t]) => t !== null && t.rows.length > 0)
    .map(([title, t]) => `${title}\n${textTable(t!)}`)
    .join("\n\n");
}
