import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FULL_CASES, SWEEPS, type BenchCase } from "../../bench/e2e/cases.ts";
import { renderCharts } from "../../bench/report/charts.ts";
import { renderPage } from "../../bench/report/page.ts";
import { sweepTable, sweepTables } from "../../bench/report/sweeps.ts";
import { markdownTable, throughputTable } from "../../bench/report/tables.ts";
import { terminalReport } from "../../bench/report/terminal.ts";
import { readResults } from "../../bench/suite/output.ts";
import { sweepsOf } from "../../bench/suite/select.ts";
import type { Results, RoundMeasurement } from "../../bench/suite/results.ts";
import { CHARTS, measurement, sampleResults } from "./sample-results.ts";

const caseOf = (id: string): BenchCase => FULL_CASES.find((c) => c.id === id)!;
const BODY_64 = caseOf("async-x1024-rmq-64b-c1");
const BODY_4M = caseOf("async-x1-rmq-4194304b-c1");
const IO_1 = caseOf("async-x1024-rmq-64b-c32-p4-io1");
const IO_2 = caseOf("async-x1024-rmq-64b-c32-p4-io2");
const NO_REUSE_PORT = "Node 20.20.2: net.Server.listen has no reusePort before Node 22.12, and I/O worker threads share their port with it";

/**
 * Two rounds of three sweep points: 64-byte and 4 MiB bodies (Bun, Node and both raw echoes) and
 * one I/O worker case, which Node could not run. Round 2 is the faster one for Bun.
 */
function results(): Results {
  const measurements: RoundMeasurement[] = [];
  for (const round of [1, 2]) {
    const bunFactor = round === 1 ? 1 : 1.2;
    measurements.push(
      measurement(BODY_64, "bun", round, 2_000_000 * bunFactor, 400),
      measurement(BODY_64, "node", round, 1_000_000, 800),
      measurement(BODY_64, "raw-bun", round, 10_000_000, 80),
      measurement(BODY_64, "raw-node", round, 5_000_000, 90),
      measurement(BODY_4M, "bun", round, 200 * bunFactor, 5000),
      measurement(BODY_4M, "node", round, 250, 4000),
      measurement(BODY_4M, "raw-bun", round, 400, 2500),
      measurement(BODY_4M, "raw-node", round, 500, 2000),
      measurement(IO_1, "bun", round, 900_000 * bunFactor, 1000),
      measurement(IO_1, "raw-bun", round, 3_000_000, 300),
    );
  }
  const cases = [BODY_64, BODY_4M, IO_1];
  return sampleResults({
    cases,
    measurements,
    sweeps: sweepsOf(SWEEPS, false, cases),
    notApplicable: [
      { target: "node", caseIds: [IO_1.id], reason: NO_REUSE_PORT },
      { target: "raw-node", caseIds: [IO_1.id], reason: NO_REUSE_PORT },
    ],
  });
}

describe("sweep tables", () => {
  test("a row per point: medians, MB/s where bodies vary, Bun / Node and each build's share of its raw echo per round", () => {
    const r = results();
    const body = r.sweeps.find((s) => s.id === "body-async")!;
    const table = sweepTable(r, body);
    expect(table.header).toEqual(["body", "load", "Bun", "Node", "Bun / Node", "Bun ÷ raw Bun", "Node ÷ raw Node", "p50 Bun", "p50 Node"]);
    expect(table.rows).toEqual([
      // Bun 2.0 M then 2.4 M (median 2.2 M) against Node's 1.0 M: 2.0x and 2.4x; 20% and 24% of the raw Bun echo.
      ["64 B", "1024 in flight", "2.20 M/s · 141 MB/s", "1.00 M/s · 64.0 MB/s", "2.20x [2.00x–2.40x]", "22% [20%–24%]", "20%", "400 µs", "800 µs"],
      // 4 MiB: the Bun build is the slower one here (0.80x and 0.96x of Node).
      ["4 MiB", "1 in flight", "220/s · 923 MB/s", "250/s · 1049 MB/s", "0.88x [0.80x–0.96x]", "55% [50%–60%]", "50%", "5.00 ms", "4.00 ms"],
    ]);
    expect(table.notes).toEqual([]);
  });

  test("a target that cannot run a point shows n/a, and the table says why", () => {
    const r = results();
    const table = sweepTable(r, r.sweeps.find((s) => s.id === "io-workers")!);
    expect(table.rows).toEqual([["1", "4 processes, 32 connections, 1024 in flight", "990 k/s", "n/a", "n/a", "33% [30%–36%]", "n/a", "1.00 ms", "n/a"]]);
    expect(table.notes).toEqual([`n/a: ${NO_REUSE_PORT}.`]);
    expect(markdownTable(table)).toContain(`| 1 | 4 processes, 32 connections, 1024 in flight | 990 k/s | n/a |`);
    expect(markdownTable(table)).toEndWith(`\n\nn/a: ${NO_REUSE_PORT}.`);
  });

  test("a point that was not measured (left out, or failed) is an empty cell, not n/a", () => {
    const r = results();
    const io = r.sweeps.find((s) => s.id === "io-workers")!;
    const withTwo = { ...io, rows: [...io.rows, { caseId: IO_2.id, point: "2", shape: "4 processes" }] };
    expect(sweepTable(r, withTwo).rows[1]).toEqual(["2", "4 processes", "–", "–", "–", "–", "–", "–", "–"]);
  });

  test("the throughput table has a Bun / Node column for every case, n/a where Node could not run it", () => {
    const table = throughputTable(results());
    const bunNode = table.header.indexOf("Bun / Node");
    expect(table.rows.map((row) => row[bunNode])).toEqual(["2.20x [2.00x–2.40x]", "0.88x [0.80x–0.96x]", "n/a"]);
    expect(table.notes).toEqual([`n/a: ${NO_REUSE_PORT}.`]);
  });

  test("only sweeps with a measured row; without Node, no Node columns", () => {
    const r = results();
    expect(sweepTables(r).map((s) => s.sweep.id)).toEqual(["body-async", "connections-async", "io-workers"]);
    const bunOnly: Results = { ...r, targets: r.targets.filter((t) => t.runtime === "bun") };
    expect(sweepTable(bunOnly, r.sweeps[0]!).header).toEqual(["body", "load", "Bun", "Bun ÷ raw Bun", "p50 Bun"]);
  });

  test("the page and the terminal report show the sweeps, each with what its rows share", () => {
    const r = results();
    const page = renderPage(r, "bench/results/run.json", CHARTS);
    expect(page).toContain("## Sweeps");
    expect(page).toContain("### Body size, pipelined");
    expect(page).toContain(SWEEPS[0]!.about);
    expect(page).toContain("| 64 B | 1024 in flight | 2.20 M/s · 141 MB/s | 1.00 M/s · 64.0 MB/s | 2.20x [2.00x–2.40x] |");
    expect(page).toContain("2 quiet rounds wanted per headline case and 1 per other sweep point");
    expect(page.indexOf("## Sweeps")).toBeLessThan(page.indexOf("## Throughput"));
    const text = terminalReport(r);
    expect(text).toContain("Sweep: I/O worker threads");
    expect(text).toMatch(/\n1 +4 processes, 32 connections, 1024 in flight +990 k\/s +n\/a +n\/a +33% \[30%–36%\] +n\/a +1\.00 ms +n\/a\n {2}n\/a: Node 20/);
  });
});

describe("results files from before the sweeps", () => {
  const dir = join(import.meta.dir, "../../bench/results");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

  test("still render: their cases read as one client process and no I/O workers, and the page has no sweeps", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const r = readResults(join(dir, file));
      if (r.sweeps.length > 0) continue; // a file of this suite's
      expect(r.cases.every((c) => c.clientProcesses === 1 && c.ioWorkers === 0)).toBe(true);
      expect(r.settings.sweepRounds).toBe(r.settings.rounds);
      const page = renderPage(r, file, CHARTS);
      expect(page).toContain("None in this run (results from before the sweeps");
      expect(page).toContain("## Headline figures");
      expect(page).not.toContain("n/a");
      expect(renderCharts(r).throughput).toStartWith("<svg");
      expect(terminalReport(r)).toContain("Headline figures");
    }
  });
});
