/**
 * Producer throughput against BrokerLite: this package's Producer on Bun (sources) and on Node
 * (dist) next to ali-ons' and rocketmq-nodejs' producers, all sending to one broker-lite process,
 * interleaved round by round, and the ceiling: "raw frames on Bun", pre-encoded requests whose
 * answers are counted, not decoded. Per case (body size x sends in flight): sends/s and the producer
 * process's CPU time per send, with the library-on-Bun / other and ceiling / other ratios taken
 * within each round.
 *
 *   bun bench/producer.bench.ts [--rounds 3] [--seconds 1] [--warmup 3] [--no-pin] [--e2e]
 *
 * Every producer process warms up for `--warmup` seconds before it is measured (the suite's send
 * warm-up, SEND_FRESH_WARMUP_S: a fresh Bun producer is still compiling its send path for about
 * 30 000 sends, and one at a time that takes seconds).
 *
 * `--e2e` measures produce -> consume instead (bench/producer/e2e.ts: a Producer with 64 sends in
 * flight and a Consumer in one process, on Bun and on Node): messages consumed per second, CPU per
 * message, and the send-to-receipt latency.
 *
 * The alternatives are installed on first use into .bench-alternatives/ (as `npm run bench` does);
 * one that cannot be installed is left out and said so.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundleForNode } from "../scripts/node-bundle.ts";
import { SEND_FRESH_WARMUP_S } from "./e2e/cases.ts";
import { pinned } from "./e2e/pinned.ts";
import { COMPARED, install } from "./suite/alternatives.ts";

const root = join(import.meta.dir, "..");
const { values } = parseArgs({ options: { rounds: { type: "string" }, seconds: { type: "string" }, warmup: { type: "string" }, "no-pin": { type: "boolean" }, e2e: { type: "boolean" } } });
const e2e = values.e2e === true;
const rounds = Number(values.rounds ?? 3);
const measureMs = Math.round(Number(values.seconds ?? 1) * 1000);
const warmupMs = Math.round(Number(values.warmup ?? SEND_FRESH_WARMUP_S) * 1000);
if (!(rounds >= 1 && measureMs > 0 && warmupMs >= 0)) throw new Error("--rounds must be at least 1, --seconds above 0 and --warmup not negative");
const pin = values["no-pin"] !== true && spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const [brokerCpus, loadCpus] = pin ? [[0], [1]] : [[], []];

interface Target {
  name: string;
  argv: (args: string[]) => string[];
}

const bun = process.execPath;
/** Pre-encoded requests, answers counted and not decoded (bench/e2e/drivers/raw-send.ts): no producer can send faster to this broker. */
const RAW = "raw frames on Bun";
const loadTs = join(root, "bench/producer/load.ts");
const loadJs = join(root, ".bench-build/producer/load.js");
const e2eTs = join(root, "bench/producer/e2e.ts");
const e2eJs = join(root, ".bench-build/producer/e2e.js");
const alternatives = join(root, ".bench-alternatives");

console.error("building dist/ and the Node bundle of the load process");
if (spawnSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" }).status !== 0) throw new Error("npm run build failed");
await bundleForNode([loadTs, e2eTs], join(root, ".bench-build/producer"));

const targets: Target[] = e2e
  ? [
      { name: "library on Bun", argv: (a) => [bun, e2eTs, ...a.slice(0, 5)] },
      { name: "library on Node", argv: (a) => ["node", e2eJs, ...a.slice(0, 5)] },
    ]
  : [
      { name: "library on Bun", argv: (a) => [bun, loadTs, "library", ...a] },
      { name: "library on Node", argv: (a) => ["node", loadJs, "library", ...a] },
      { name: RAW, argv: (a) => [bun, loadTs, "raw", ...a] },
    ];
for (const alt of e2e ? [] : COMPARED) {
  const installed = install(`${alternatives}/`, alt);
  if ("error" in installed) console.error(`${alt.name}: left out (${installed.error})`);
  else targets.push({ name: alt.name, argv: (a) => ["node", loadJs, alt.name, ...a] });
}

const broker = Bun.spawn(pinned(brokerCpus, [bun, join(root, "bench/producer/broker.ts")]), { cwd: root, stdin: "pipe", stdout: "pipe", stderr: "inherit" });
const reader = broker.stdout.getReader();
let firstLine = "";
while (!firstLine.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error(`the broker exited: ${firstLine}`);
  firstLine += new TextDecoder().decode(value);
}
const brokerPort = /^LISTENING (\d+)/.exec(firstLine)?.[1];
if (brokerPort === undefined) throw new Error(`unexpected broker output: ${firstLine}`);
const nameServer = `127.0.0.1:${brokerPort}`;

interface Sample {
  sendsPerSecond: number;
  cpuMicrosPerSend: number;
  p50Micros: number;
  p99Micros: number;
}
const cases = [64, 1024].flatMap((bytes) => (e2e ? [64] : [1, 64]).map((inFlight) => ({ bytes, inFlight, name: `${inFlight === 1 ? "sync, one at a time" : `${inFlight} in flight`}, ${bytes === 64 ? "64 B" : "1 KiB"}` })));
const samples = new Map<string, Sample[]>(); // case/target -> per round (NaN: failed)

function measure(target: Target, c: (typeof cases)[number]): Sample {
  const args = [nameServer!, String(c.bytes), String(c.inFlight), String(warmupMs), String(measureMs), alternatives];
  const [command, ...argv] = pinned(loadCpus, target.argv(args));
  const run = spawnSync(command!, argv, { cwd: root, encoding: "utf8", timeout: warmupMs + measureMs + 30_000 });
  const line = run.stdout.trim().split("\n").pop() ?? "";
  if (!line.startsWith("{")) { // the load process kills itself after its report (see load.ts)
    console.error(`  ${target.name}, ${c.name}: failed (${(run.stderr || run.error?.message || `exit ${run.status}`).trim().split("\n").slice(-1)[0]})`);
    return { sendsPerSecond: NaN, cpuMicrosPerSend: NaN, p50Micros: NaN, p99Micros: NaN };
  }
  const r = JSON.parse(line) as { sends: number; seconds: number; cpuMicros: number; p50Micros?: number; p99Micros?: number };
  return { sendsPerSecond: r.sends / r.seconds, cpuMicrosPerSend: r.cpuMicros / r.sends, p50Micros: r.p50Micros ?? NaN, p99Micros: r.p99Micros ?? NaN };
}

for (let round = 1; round <= rounds; round++) {
  for (const c of cases) {
    const order = round % 2 === 0 ? [...targets].reverse() : targets;
    for (const target of order) {
      const s = measure(target, c);
      const key = `${c.name}\u0000${target.name}`;
      samples.set(key, [...(samples.get(key) ?? []), s]);
      console.error(`round ${round} ${c.name.padEnd(24)} ${target.name.padEnd(16)} ${Number.isNaN(s.sendsPerSecond) ? "failed" : `${Math.round(s.sendsPerSecond)}/s, ${s.cpuMicrosPerSend.toFixed(1)} µs CPU/send`}`);
    }
  }
}
broker.stdin.end();
await broker.exited;

const median = (xs: number[]): number => {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length === 0 ? NaN : v.length % 2 ? v[(v.length - 1) >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};
const span = (xs: number[], digits = 0): string => {
  const v = xs.filter((x) => !Number.isNaN(x));
  return v.length === 0 ? "failed" : `${median(v).toFixed(digits)} [${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)}]`;
};

console.log(`\n${e2e ? "Produce -> consume through" : "Producer sends to"} one BrokerLite (${rounds} rounds, ${measureMs} ms each after ${warmupMs} ms of warm-up, ${pin ? "broker on CPU 0, producer on CPU 1" : "not pinned"}): median [min–max]\n`);
const latency = e2e ? " send-to-receipt p50 ms | p99 ms |" : "";
const ceiling = e2e ? "" : " raw frames: throughput × |";
console.log(`| case | producer | ${e2e ? "consumed/s" : "sends/s"} | CPU µs per ${e2e ? "message" : "send"} | library on Bun: throughput × | library on Bun: CPU per send ÷ |${ceiling}${latency}`);
console.log(`| --- | --- | --- | --- | --- | --- |${e2e ? " --- | --- |" : " --- |"}`);
for (const c of cases) {
  const per = (name: string) => samples.get(`${c.name}\u0000${name}`)!;
  const mine = per("library on Bun");
  for (const target of targets) {
    const s = per(target.name);
    const ratio = (over: Sample[]) => span(s.map((x, i) => over[i]!.sendsPerSecond / x.sendsPerSecond), 2);
    const cpuRatio = s.map((x, i) => x.cpuMicrosPerSend / mine[i]!.cpuMicrosPerSend);
    const self = target.name === "library on Bun";
    const ceilingRatio = e2e ? "" : ` ${target.name === RAW ? "–" : `${ratio(per(RAW))}×`} |`;
    const latencies = e2e ? ` ${span(s.map((x) => x.p50Micros / 1000), 1)} | ${span(s.map((x) => x.p99Micros / 1000), 1)} |` : "";
    console.log(`| ${c.name} | ${target.name} | ${span(s.map((x) => x.sendsPerSecond))} | ${span(s.map((x) => x.cpuMicrosPerSend), 1)} | ${self ? "–" : `${ratio(mine)}×`} | ${self ? "–" : `${span(cpuRatio, 2)}×`} |${ceilingRatio}${latencies}`);
  }
}
