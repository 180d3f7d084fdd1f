/**
 * Runs one microbenchmark module in this process with mitata's measure() and prints one JSON line
 * per bench (MicroLine). mitata's run() is not used: under Bun it imports bun:jsc, which slows JIT'd
 * code (platform notes §4).
 *   bun bench/micro/child.ts <module> <library root/> <min ms per bench> <short|full> [only]
 */
import { measure } from "mitata";
import type { MicroLine } from "../suite/results.ts";
import { codecBenches } from "./codec.ts";
import { frameDecoderBenches } from "./frame-decoder.ts";
import type { MicroModule, MicroModuleName } from "./micro.ts";
import { responseTableBenches } from "./response-table.ts";
import { writeQueueBenches } from "./write-queue.ts";

const MODULES: Record<MicroModuleName, MicroModule> = {
  codec: codecBenches,
  "frame-decoder": frameDecoderBenches,
  "response-table": responseTableBenches,
  "write-queue": writeQueueBenches,
};

const [name, root, minMs, mode, only = ""] = process.argv.slice(2);
const benches = (await MODULES[name as MicroModuleName](root!)).filter((b) => (mode === "full" || b.short === true) && `${b.group} ${b.name}`.toLowerCase().includes(only.toLowerCase()));
/**
 * Calls `fn` for this long before measuring: JIT tiers, lazy set-up and first-touch page faults.
 * Pinned to one CPU, the JIT's compiler threads share it with the benchmark: after 30 ms a JSON
 * decode still ran unoptimized (1.4 us against 0.21 us from 150 ms on).
 */
const PREWARM_MS = 200;

for (const b of benches) {
  const until = performance.now() + PREWARM_MS;
  while (performance.now() < until) for (let i = 0; i < 64; i++) b.fn();
  // mitata times fast calls in batches only if a warm-up call was fast; with a slow first call it
  // times calls one by one and reports clock overhead (platform notes §4): always warm up.
  const stats = await measure(b.fn, { min_cpu_time: Number(minMs) * 1e6, warmup_threshold: Infinity });
  const line: MicroLine = {
    group: b.group,
    name: b.name,
    ns: { avg: stats.avg, p25: stats.p25, p50: stats.p50, p75: stats.p75, min: stats.min, max: stats.max },
    samples: stats.samples.length,
    perCall: b.perCall ?? 1,
    unit: b.unit ?? "calls",
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
