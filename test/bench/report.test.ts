import { describe, expect, test } from "bun:test";
import { SHORT_CASES } from "../../bench/e2e/cases.ts";
import { renderCharts } from "../../bench/report/charts.ts";
import { renderPage } from "../../bench/report/page.ts";
import type { Results, RoundMeasurement, TargetInfo } from "../../bench/suite/results.ts";
import type { RatioPair } from "../../bench/suite/summarize.ts";
import { CHARTS, measurement, sampleResults, TARGETS } from "./sample-results.ts";

const ASYNC = SHORT_CASES.find((c) => c.id === "async-x1024-rmq-64b-c1")!;
const SYNC = SHORT_CASES.find((c) => c.id === "sync-x1-rmq-64b-c1")!;

/** A run of two cases over three rounds, the third disturbed by other processes. */
function results(bunAsync: [number, number, number]): Results {
  const measurements: RoundMeasurement[] = [];
  for (const round of [1, 2, 3]) {
    const noise = round === 3 ? 55 : 0;
    measurements.push(
      measurement(ASYNC, "bun", round, bunAsync[round - 1]!, 400, noise),
      measurement(ASYNC, "node", round, 1_000_000, 600),
      measurement(ASYNC, "raw-bun", round, 10_000_000, 80),
      measurement(ASYNC, "raw-node", round, 8_000_000, 90),
      measurement(SYNC, "bun", round, 50_000, 20),
      measurement(SYNC, "node", round, 40_000, 25),
      measurement(SYNC, "raw-bun", round, 55_000, 18),
      measurement(SYNC, "raw-node", round, 45_000, 22),
    );
  }
  return sampleResults({ cases: [ASYNC, SYNC], measurements });
}

describe("the results page", () => {
  test("shows the run's figures, its file and command, and leaves the noisy round out", () => {
    const page = renderPage(results([2_000_000, 2_200_000, 9_900_000]), "bench/results/run.json", CHARTS);
    expect(page).toContain("> **provisional: test data**");
    expect(page).toContain("[`bench/results/run.json`](bench/results/run.json)");
    expect(page).toContain("`npm run bench -- --cpu 0`");
    expect(page).toContain("commit `0123456789ab`");
    // Rounds 1 and 2 count (median 2.10 M, range 2.00-2.20 M); the disturbed round 3 (9.90 M) does not.
    expect(page).toContain("2.10 M [2.00 M–2.20 M]/s");
    expect(page).not.toContain("9.90 M");
    // Share of the raw limit and Bun / Node, taken round by round.
    expect(page).toContain("21% [20%–22%]");
    expect(page).toContain("2.10x [2.00x–2.20x]");
    // The sync headline: 20 µs against a raw ping-pong of 18 µs.
    expect(page).toMatch(/median round trip \(Bun\) \| 20\.0 µs \| 1\.11x raw Bun ping-pong \| ≤ 1\.15x raw ping-pong \| yes/);
    expect(page).toMatch(/\| invokeAsync x1024, ROCKETMQ, 64 B \| 2 \| 1 \| 0\.0% \[55\.0%\] \| 0 \|/);
    expect(page).toContain(`![Throughput by case](${CHARTS.throughput})`);
  });

  test("changes with the data it is given", () => {
    const a = renderPage(results([2_000_000, 2_200_000, 0]), "r.json", CHARTS);
    const b = renderPage(results([3_000_000, 3_300_000, 0]), "r.json", CHARTS);
    expect(a).toContain("2.10 M [2.00 M–2.20 M]/s");
    expect(b).toContain("3.15 M [3.00 M–3.30 M]/s");
    expect(b).not.toContain("2.10 M");
  });

  test("the producer's headline sets it against each alternative, and, where the raw frames ran, the ceiling against the same one", () => {
    const sendSync = SHORT_CASES.find((c) => c.id === "send-sync-x1-json-64b-c1")!;
    const sendAsync = SHORT_CASES.find((c) => c.id === "send-async-x64-json-64b-c1")!;
    const aliOns: TargetInfo = { id: "ali-ons", label: "ali-ons 3.12.0", runtime: "node", role: "alternative", revision: null };
    const measurements = [1, 2].flatMap((round) => [
      measurement(sendSync, "bun", round, 20_000, 50),
      measurement(sendSync, "raw-bun", round, 24_000 + round * 1_000, 40),
      measurement(sendSync, "ali-ons", round, 8_000, 120),
      measurement(sendAsync, "bun", round, 200_000, 300),
      measurement(sendAsync, "ali-ons", round, 40_000, 1500),
    ]);
    const pairs: RatioPair[] = [
      { name: "bun / ali-ons", numerator: "bun", denominator: "ali-ons", metric: "requestsPerSecond" },
      { name: "raw frames / ali-ons", numerator: "raw-bun", denominator: "ali-ons", metric: "requestsPerSecond" },
    ];
    const page = renderPage(sampleResults({ cases: [sendSync, sendAsync], measurements, targets: [...TARGETS, aliOns], pairs }), "r.json", CHARTS);
    expect(page).toContain("| Producer on Bun / ali-ons producer, send to BrokerLite one at a time, 64 B (throughput) | 2.50x | raw frames (the ceiling) / ali-ons: 3.19x [3.13x–3.25x] | ≥ 5x | no |");
    expect(page).toContain("| Producer on Bun / ali-ons producer, send to BrokerLite 64 in flight, 64 B (throughput) | 5.00x | – | ≥ 5x | yes |");
  });

  test("1 MiB bodies on one CPU are judged as a share of the raw echo and against the Node build; the split figure in MB/s", () => {
    const mebibyte = SHORT_CASES.find((c) => c.id === "async-x1-rmq-1048576b-c1")!;
    const page = (bun: number) =>
      renderPage(
        sampleResults({
          cases: [mebibyte],
          measurements: [1, 2].flatMap((round) => [measurement(mebibyte, "bun", round, bun, 900), measurement(mebibyte, "node", round, 800, 1200), measurement(mebibyte, "raw-bun", round, 1200, 800)]),
        }),
        "r.json",
        CHARTS,
      );
    // 1000 calls/s of 1 MiB: 1049 MB/s, 83% of the raw echo's 1200 calls/s, 1.25x the Node build's 800.
    expect(page(1000)).toContain("| 1 MiB bodies echoed, one in flight, same CPU: per direction (Bun) | 1049 MB/s | 83% of raw Bun echo | ≥ 75% of raw Bun echo | yes |");
    expect(page(1000)).toContain("| Bun build / Node build, 1 MiB bodies echoed, one in flight, same CPU | 1.25x | – | ≥ 1.2x | yes |");
    expect(page(1000)).toContain("| 1 MiB bodies echoed, one in flight, split CPUs: per direction (Bun) | not measured: split placement runs with `--full` (on two CPUs) | – | > 1200 MB/s | – |");
    expect(page(880)).toContain("| 73% of raw Bun echo | ≥ 75% of raw Bun echo | no |");
    expect(page(880)).toContain("| 1.10x | – | ≥ 1.2x | no |");
  });

  test("charts every target of every case", () => {
    const { throughput, latency } = renderCharts(results([2_000_000, 2_200_000, 0]));
    expect(throughput).toStartWith("<svg");
    expect(throughput.match(/<rect [^>]*><title>/g)?.length).toBe(8);
    expect(throughput).toContain("this library, Bun build: 2.10 M/s");
    expect(latency).toContain("this library, Bun build: 400 µs / 1.20 ms");
  });
});
