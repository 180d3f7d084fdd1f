/**
 * The codec's microbenchmarks on their own (mitata): encode and decode of a typical request (5 ext
 * fields, 64-byte body) and response with ROCKETMQ and JSON headers, and FrameDecoder over a
 * 16 MiB stream of 64-byte frames. The suite (`npm run bench`) runs the same modules; this runs
 * only them, longer, pinned to one CPU as the suite does (each module in a process of its own).
 *   bun bench/codec.bench.ts [--ms 500] [--rounds 1] [--cpu N|none]
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { microTable, textTable } from "./report/tables.ts";
import { defaultCpus } from "./suite/cpus.ts";
import { runMicro } from "./suite/micro-runs.ts";
import { cpuOption } from "./suite/options.ts";
import { Progress } from "./suite/progress.ts";

const { values } = parseArgs({
  options: { ms: { type: "string", default: "500" }, rounds: { type: "string", default: "1" }, cpu: { type: "string" } },
});
const root = fileURLToPath(new URL("../", import.meta.url));
const cpu = cpuOption(values.cpu, defaultCpus().cpu, "--cpu");
const progress = new Progress();
progress.line(`codec microbenchmarks, ${values.ms} ms per bench, ${cpu === null ? "not pinned" : `pinned to CPU ${cpu}`}`);
const results = runMicro(
  { root, bun: process.execPath },
  { libraries: [{ root, revision: null }], rounds: Number(values.rounds), full: true, minMs: Number(values.ms), cpu, only: "", modules: ["codec", "frame-decoder"] },
  progress,
);
console.log(textTable(microTable(results)));
