import { describe, expect, test } from "bun:test";
import { freshWarmupS, FULL_CASES, SHORT_CASES, SHORT_HEADLINE_CASES, SWEEPS, sweepInFlight, type BenchCase } from "../../bench/e2e/cases.ts";
import { openAll } from "../../bench/e2e/drivers/driver.ts";
import { HEADLINE_CASES } from "../../bench/report/headlines.ts";
import { parseOptions } from "../../bench/suite/options.ts";
import { estimateRoundS, estimateRoundsS } from "../../bench/suite/estimate.ts";
import { clientGroups, placementCpus } from "../../bench/suite/placement.ts";
import { notApplicableOf, planTargets } from "../../bench/suite/plan.ts";
import { Progress } from "../../bench/suite/progress.ts";
import { roundsWanted, selectCases, sweepOnlyIds, sweepsOf, type CaseLimits } from "../../bench/suite/select.ts";
import { alternativeTarget, libraryTargets, nodeHasReusePort, rawTargets, type Harness } from "../../bench/suite/targets.ts";

const harness = (nodeVersion: string): Harness => ({ root: "/tree/", bun: "/bin/bun", node: "node", nodeBuild: "/tree/.bench-build/", nodeVersion });
/** The targets of a normal run on this machine's Node (20: no reusePort), alternatives included. */
const TARGETS = [
  ...libraryTargets(harness("20.20.2"), "/tree/", null),
  ...rawTargets(harness("20.20.2")),
  alternativeTarget(harness("20.20.2"), "ali-ons", "3.12.0", "/alt/"),
  alternativeTarget(harness("20.20.2"), "rocketmq-nodejs", "1.1.2", "/alt/"),
];
/** This VM: two CPUs, the suite's defaults (client on CPU 1, split server on CPU 0). */
const TWO_CPUS: CaseLimits = { only: "", cpu: 1, splitCpu: 0, machineCpus: 2, openFiles: 20_000 };
const ids = (cases: readonly BenchCase[]): string[] => cases.map((c) => c.id);
const sweep = (id: string) => SWEEPS.find((s) => s.id === id)!;
const casesOf = (id: string): BenchCase[] => sweep(id).rows.map((row) => FULL_CASES.find((c) => c.id === row.caseId)!);

describe("the cases of each run", () => {
  test("no case twice; the headline table's cases are in the short run", () => {
    for (const cases of [SHORT_CASES, FULL_CASES]) expect(new Set(ids(cases)).size).toBe(cases.length);
    const short = ids(SHORT_CASES);
    for (const id of Object.values(HEADLINE_CASES).filter((id) => !id.endsWith("-split"))) expect(short).toContain(id);
  });

  test("the short run: the headline cases, then the points of the short sweeps", () => {
    const shortSweeps = SWEEPS.filter((s) => s.short).map((s) => s.id);
    expect(shortSweeps).toEqual(["body-async", "connections-async", "io-workers"]);
    expect(ids(SHORT_CASES)).toEqual([
      "async-x1024-rmq-64b-c1",
      "async-x1024-json-64b-c1",
      "sync-x1-rmq-64b-c1",
      "async-x1-rmq-1048576b-c1",
      "send-async-x64-json-64b-c1",
      "send-sync-x1-json-64b-c1",
      "async-x1024-rmq-1024b-c1",
      "async-x64-rmq-16384b-c1",
      "async-x4-rmq-262144b-c1",
      "async-x1-rmq-4194304b-c1",
      "async-x1024-rmq-64b-c8",
      "async-x1024-rmq-64b-c64",
      "async-x1024-rmq-64b-c512",
      "async-x1024-rmq-64b-c32-p4-io1",
      "async-x1024-rmq-64b-c32-p4-io2",
    ]);
  });

  test("the full run: every case the short run has, and every sweep's points", () => {
    const full = ids(FULL_CASES);
    for (const id of ids(SHORT_CASES)) expect(full).toContain(id);
    for (const s of SWEEPS) for (const row of s.rows) expect(full).toContain(row.caseId);
    expect(FULL_CASES.length).toBe(43);
  });

  test("body sizes: 64 B to 4 MiB, up to 1024 calls in flight but at most 1 MiB of bodies", () => {
    const pipelined = casesOf("body-async");
    expect(pipelined.map((c) => [c.bodyBytes, c.inFlight])).toEqual([
      [64, 1024],
      [1024, 1024],
      [16 << 10, 64],
      [256 << 10, 4],
      [4 << 20, 1],
    ]);
    for (const c of pipelined) expect(c.bodyBytes * c.inFlight).toBeLessThanOrEqual(Math.max(1 << 20, c.bodyBytes));
    expect(sweepInFlight(32)).toBe(1024);
    expect(casesOf("body-sync").every((c) => c.kind === "sync" && c.inFlight === 1)).toBe(true);
    expect(sweep("body-async").rows.map((row) => row.point)).toEqual(["64 B", "1 KiB", "16 KiB", "256 KiB", "4 MiB"]);
  });

  test("connections: 1 to 512, the calls spread evenly; the I/O workers: 1 and 2 threads, four client processes, both CPUs", () => {
    expect(casesOf("connections-async").map((c) => [c.connections, c.inFlight / c.connections])).toEqual([
      [1, 1024],
      [8, 128],
      [64, 16],
      [512, 2],
    ]);
    expect(casesOf("connections-sync").map((c) => [c.connections, c.inFlight])).toEqual([
      [1, 1],
      [8, 8],
      [64, 64],
      [512, 512],
    ]);
    const io = casesOf("io-workers");
    expect(io.map((c) => c.ioWorkers)).toEqual([1, 2]);
    for (const c of io) expect([c.placement, c.clientProcesses, c.connections, c.inFlight]).toEqual(["spread", 4, 32, 1024]);
    expect(io[1]!.label).toBe("invokeAsync x1024, ROCKETMQ, 64 B, 32 connections, 4 client processes, 2 I/O workers, both CPUs");
  });
});

describe("selecting the cases this machine can run", () => {
  test("two CPUs and enough open files: every case", () => {
    expect(selectCases(FULL_CASES, TWO_CPUS)).toEqual({ cases: [...FULL_CASES], leftOut: [] });
  });

  test("one CPU: no split placement, no I/O workers, each said", () => {
    const { cases, leftOut } = selectCases(FULL_CASES, { ...TWO_CPUS, splitCpu: null });
    expect(cases.some((c) => c.placement !== "same")).toBe(false);
    expect(cases.length).toBe(FULL_CASES.length - 6);
    expect(leftOut).toEqual([
      "4 case(s) left out: split placement needs a CPU for the server (--split-cpu)",
      "2 case(s) left out: I/O worker threads need two CPUs (--split-cpu, or --cpu none on a machine with more than one)",
    ]);
  });

  test("not pinned: I/O workers run on a machine with two CPUs, split placement does not", () => {
    const { cases } = selectCases(SHORT_CASES, { ...TWO_CPUS, cpu: null, splitCpu: null });
    expect(cases.length).toBe(SHORT_CASES.length);
    expect(selectCases(SHORT_CASES, { ...TWO_CPUS, cpu: null, splitCpu: null, machineCpus: 1 }).cases.some((c) => c.ioWorkers > 0)).toBe(false);
  });

  test("a hard open-files limit below 512 connections leaves those cases out; --only picks by id or label", () => {
    const { cases, leftOut } = selectCases(SHORT_CASES, { ...TWO_CPUS, openFiles: 256 });
    expect(ids(cases)).not.toContain("async-x1024-rmq-64b-c512");
    expect(cases.length).toBe(SHORT_CASES.length - 1);
    expect(leftOut).toEqual(["1 case(s) left out: more connections than the open-files limit allows (hard limit 256; raise it with ulimit -Hn)"]);
    expect(ids(selectCases(SHORT_CASES, { ...TWO_CPUS, only: "I/O WORKER" }).cases)).toEqual(["async-x1024-rmq-64b-c32-p4-io1", "async-x1024-rmq-64b-c32-p4-io2"]);
  });
});

describe("sweeps and rounds", () => {
  test("a short run shows the short sweeps, a full run every one; rows only of the cases that run", () => {
    expect(sweepsOf(SWEEPS, false, SHORT_CASES).map((s) => s.id)).toEqual(["body-async", "connections-async", "io-workers"]);
    expect(sweepsOf(SWEEPS, true, FULL_CASES).map((s) => s.id)).toEqual(["body-async", "connections-async", "io-workers", "body-sync", "connections-sync"]);
    const oneCpu = selectCases(SHORT_CASES, { ...TWO_CPUS, splitCpu: null }).cases;
    expect(sweepsOf(SWEEPS, false, oneCpu).map((s) => s.id)).toEqual(["body-async", "connections-async"]);
    expect(sweepsOf(SWEEPS, false, SHORT_CASES)[0]).not.toHaveProperty("short");
  });

  test("short: 2 quiet rounds for the headline cases, 1 for the other sweep points; full: as many for all", () => {
    const shortSweeps = sweepsOf(SWEEPS, false, SHORT_CASES);
    const sweepOnly = sweepOnlyIds(shortSweeps, SHORT_HEADLINE_CASES);
    expect(sweepOnly.size).toBe(9);
    expect(sweepOnly.has("async-x1024-rmq-64b-c1")).toBe(false); // a headline case, and a point of two sweeps
    const short = parseOptions([]);
    const wanted = roundsWanted(short.rounds, short.sweepRounds, sweepOnly);
    expect(SHORT_CASES.map(wanted)).toEqual([2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const full = parseOptions(["--full"]);
    expect(FULL_CASES.every((c) => roundsWanted(full.rounds, full.sweepRounds, sweepOnly)(c) === 3)).toBe(true);
    expect(parseOptions(["--sweep-rounds", "2"]).sweepRounds).toBe(2);
    expect(parseOptions(["--sweep-rounds", "4"]).maxRounds).toBe(4);
  });

  test("the short run's rounds fit its time budget with room for the build and the microbenchmarks; the full run's take under 25 minutes", () => {
    const short = parseOptions(["--cpu", "1", "--split-cpu", "0"]);
    const shortCases = selectCases(SHORT_CASES, TWO_CPUS).cases;
    const sweepOnly = sweepOnlyIds(sweepsOf(SWEEPS, false, shortCases), SHORT_HEADLINE_CASES);
    const shortS = estimateRoundsS(TARGETS, shortCases, roundsWanted(short.rounds, short.sweepRounds, sweepOnly), short);
    expect(shortS).toBeGreaterThan(90);
    expect(shortS).toBeLessThan(short.budgetS - 15);
    const full = parseOptions(["--full", "--cpu", "1", "--split-cpu", "0"]);
    const fullS = estimateRoundsS(TARGETS, FULL_CASES, () => full.rounds, full);
    expect(fullS).toBeLessThan(25 * 60);
  });

  test("a round's estimate: one client process per target and set of client CPUs, each case its warm-up and measured time", () => {
    const timing = { seconds: 1, warmupS: 0.3, firstWarmupS: 1, cpu: 1, splitCpu: 0 };
    const [async, sync] = SHORT_HEADLINE_CASES;
    const io = casesOf("io-workers");
    const one = estimateRoundS([TARGETS[0]!], [async!], timing);
    const two = estimateRoundS([TARGETS[0]!], [async!, sync!], timing);
    expect(two - one).toBeCloseTo(1.3 + 0.05, 5); // a second case in the same process
    expect(estimateRoundS([TARGETS[0]!], [async!, io[0]!], timing) - one).toBeGreaterThan(two - one + 0.7); // a second process, and its load processes
    expect(estimateRoundS(TARGETS, [async!], timing)).toBeCloseTo(4 * one, 5); // Bun, Node and both raw echoes
    // Each I/O worker case starts its server and client processes: the JIT's warm-up again, and their start.
    expect(estimateRoundS([TARGETS[0]!], [io[0]!, io[1]!], timing) - estimateRoundS([TARGETS[0]!], [io[0]!], timing)).toBeCloseTo(1 + 1 + 0.05 + 0.4, 5);
    // A send case on fresh processes warms up for 3 s (the send path's compile), on a warm broker as any other.
    const send = SHORT_HEADLINE_CASES.find((c) => c.call === "send")!;
    expect(estimateRoundS([TARGETS[0]!], [send], timing) - one).toBeCloseTo(3 - 1, 5);
    expect(freshWarmupS(send, 1)).toBe(3);
    expect(freshWarmupS(async!, 1)).toBe(1);
    expect(freshWarmupS(send, 5)).toBe(5);
    expect(clientGroups([async!, sync!, io[0]!, io[1]!], 1, 0).map((g) => g.length)).toEqual([2, 2]);
    expect(clientGroups([async!, io[0]!], null, null).map((g) => g.length)).toEqual([2]);
  });
});

describe("targets", () => {
  const [io1] = casesOf("io-workers");
  const plain = SHORT_HEADLINE_CASES[0]!;

  test("an I/O worker case runs on an io-server with its thread count, its raw echo with as many threads", () => {
    const [bun, node] = libraryTargets(harness("20.20.2"), "/lib/", null);
    const [rawBun] = rawTargets(harness("20.20.2"));
    expect(bun!.server(io1!)).toEqual(["/bin/bun", "/tree/bench/e2e/io-server.ts", "/lib/src/index.ts", "1"]);
    expect(bun!.server(plain)).toEqual(["/bin/bun", "/tree/bench/e2e/server.ts", "/lib/src/index.ts"]);
    expect(node!.server(plain)).toEqual(["node", "/tree/.bench-build/server.js", "/lib/dist/node.js"]);
    expect(rawBun!.server(io1!)).toEqual(["/bin/bun", "/tree/bench/e2e/raw-server.ts", "1"]);
    expect(rawBun!.server(plain)).toEqual(["/bin/bun", "/tree/bench/e2e/raw-server.ts"]);
  });

  test("Node before 22.12 runs no I/O worker case, and the run says why; later ones do", () => {
    expect([nodeHasReusePort("20.20.2"), nodeHasReusePort("22.11.0"), nodeHasReusePort("22.12.0"), nodeHasReusePort("23.0.0"), nodeHasReusePort("23.1.0"), nodeHasReusePort("24.0.0")]).toEqual([false, false, true, false, true, true]);
    const reason = "Node 20.20.2: net.Server.listen has no reusePort before Node 22.12, and I/O worker threads share their port with it";
    expect(notApplicableOf(TARGETS, SHORT_CASES)).toEqual([
      { target: "node", caseIds: ["async-x1024-rmq-64b-c32-p4-io1", "async-x1024-rmq-64b-c32-p4-io2"], reason },
      { target: "raw-node", caseIds: ["async-x1024-rmq-64b-c32-p4-io1", "async-x1024-rmq-64b-c32-p4-io2"], reason },
    ]);
    const newer = [...libraryTargets(harness("22.12.0"), "/tree/", null), ...rawTargets(harness("22.12.0"))];
    expect(notApplicableOf(newer, SHORT_CASES)).toEqual([]);
    expect(newer.every((t) => t.runs(io1!))).toBe(true);
  });

  test("Bun and Node run every other case (the sends too, for the Bun / Node column); the alternatives no sweep point", () => {
    const [bun, node] = TARGETS;
    for (const c of SHORT_CASES.filter((c) => c.ioWorkers === 0)) expect([bun!.runs(c), node!.runs(c)]).toEqual([true, true]);
    const alternatives = TARGETS.filter((t) => t.role === "alternative");
    const sweepIds = new Set(SWEEPS.flatMap((s) => s.rows.map((row) => row.caseId)));
    for (const c of FULL_CASES.filter((c) => sweepIds.has(c.id))) expect(alternatives.some((t) => t.runs(c))).toBe(false);
  });

  test("the raw ping-pong ratio is the echo's: a send one at a time has its raw target as the ceiling instead", () => {
    const checkout = { root: "/tree/", revision: null, hasNodeBuild: true };
    const plan = planTargets(harness("20.20.2"), [checkout], [...SHORT_CASES], (part) => part === "alternatives", new Progress());
    const pingPong = plan.pairs.find((p) => p.name === "invokeSync p50 / raw ping-pong p50 (Bun)")!;
    const [echoSync, sendSync] = [HEADLINE_CASES.sync, HEADLINE_CASES.sendSync].map((id) => SHORT_CASES.find((c) => c.id === id)!);
    expect([pingPong.only!(echoSync!), pingPong.only!(sendSync!)]).toEqual([true, false]);
    expect(plan.targets.find((t) => t.id === "raw-bun")!.runs(sendSync!)).toBe(true);
  });

  test("the sends: every producer (both builds, ali-ons, rocketmq-nodejs) and, one at a time, the raw ceiling against the same BrokerLite; echo cases never go to it", () => {
    const sends = FULL_CASES.filter((c) => c.call === "send");
    expect(sends.map((c) => c.id)).toEqual(["send-async-x64-json-64b-c1-split", "send-async-x64-json-64b-c1", "send-sync-x1-json-64b-c1", "send-async-x64-json-1024b-c1", "send-sync-x1-json-1024b-c1"]);
    for (const c of sends) {
      const running = TARGETS.filter((t) => t.runs(c));
      expect(running.map((t) => t.id)).toEqual(c.kind === "sync" ? ["bun", "node", "raw-bun", "ali-ons", "rocketmq-nodejs"] : ["bun", "node", "ali-ons", "rocketmq-nodejs"]);
      const servers = new Set(running.map((t) => t.server(c).join(" ")));
      expect([...servers]).toEqual([`${harness("20.20.2").bun} /tree/bench/producer/broker.ts`]);
    }
    for (const c of FULL_CASES.filter((c) => c.call === "echo")) for (const t of TARGETS) expect(t.server(c).join(" ")).not.toContain("broker.ts");
  });
});

describe("placement", () => {
  test("same: one CPU; split: the server on the other; spread: every process on both; not pinned: nothing", () => {
    expect(placementCpus("same", 1, 0)).toEqual({ client: [1], server: [1], all: [1] });
    expect(placementCpus("split", 1, 0)).toEqual({ client: [1], server: [0], all: [1, 0] });
    expect(placementCpus("spread", 1, 0)).toEqual({ client: [1, 0], server: [1, 0], all: [1, 0] });
    expect(placementCpus("spread", null, null)).toEqual({ client: [], server: [], all: [] });
  });
});

test("connections open in batches below the listen backlog, in order", async () => {
  let open = 0;
  let most = 0;
  let started = 0;
  const opened = await openAll(300, async () => {
    const i = started++;
    most = Math.max(most, ++open);
    await Promise.resolve();
    open--;
    return i;
  });
  expect(opened).toEqual(Array.from({ length: 300 }, (_, i) => i));
  expect(most).toBe(128);
});
