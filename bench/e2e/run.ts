/**
 * The end-to-end benchmark on both runtimes, in one run: builds the package (dist/) and the Node
 * bundles of the bench processes, then runs the measuring client (which starts its own server) under
 * Bun (the sources, Bun sockets) and under Node (dist/, node:net), alternating the order each round,
 * and prints both side by side.
 *   bun bench/e2e/run.ts [--rounds 3] [--max-rounds 9] [--seconds 2] [--warmup 1] [--cpu 1] [--only text] [--json file]
 * Both processes of a pair are pinned to one CPU with taskset when it is available: unpinned runs on
 * a 2-vCPU VM swing 2.5-4x with the scheduler's placement (platform notes §0). A round in which
 * other processes used that CPU (report.ts, NOISY_CPU_PCT) does not count: rounds go on until
 * `--rounds` quiet ones are in, or `--max-rounds` were run; then the quiet rounds are reported, or
 * all of them, marked noisy, when none was quiet.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundleForNode } from "../../scripts/node-bundle.ts";
import type { ClientReport } from "./cases.ts";
import { formatReport, isQuiet, type Round } from "./report.ts";

const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    "max-rounds": { type: "string" },
    seconds: { type: "string", default: "2" },
    warmup: { type: "string", default: "1" },
    cpu: { type: "string", default: "1" },
    only: { type: "string", default: "" },
    json: { type: "string", default: "" },
  },
});
const rounds = Number(options.rounds);
const maxRounds = Math.max(rounds, Number(options["max-rounds"] ?? rounds * 3));
const clientArgs = ["--seconds", options.seconds, "--warmup", options.warmup, "--only", options.only];
const cpu = options.cpu;
const jsonOut = options.json;

const root = fileURLToPath(new URL("../../", import.meta.url));
const here = `${root}bench/e2e/`;
const nodeBuild = `${root}.bench-build/`;

function run(command: string, commandArgs: string[]): string {
  const result = spawnSync(command, commandArgs, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(" ")} exited with ${result.status}`);
  return result.stdout;
}

run("npm", ["run", "--silent", "build"]);
await bundleForNode([`${here}client.ts`, `${here}server.ts`], nodeBuild);

const pinned = spawnSync("taskset", ["-c", cpu, "true"]).status === 0;
const pin = pinned ? ["taskset", "-c", cpu] : [];
if (pinned) clientArgs.push("--pinned-cpu", cpu);
const runtimes = {
  bun: [process.execPath, `${here}client.ts`, `${here}server.ts`],
  node: ["node", `${nodeBuild}client.js`, `${nodeBuild}server.js`],
};

function measure(runtime: keyof typeof runtimes): ClientReport {
  const [command, ...rest] = [...pin, ...runtimes[runtime], ...clientArgs];
  return JSON.parse(run(command!, rest).trim().split("\n").pop()!) as ClientReport;
}

const all: Round[] = [];
while (all.length < maxRounds && all.filter(isQuiet).length < rounds) {
  // Alternate which runtime goes first, so neither always gets the warmer (or colder) machine.
  const first = all.length % 2 === 0 ? "bun" : "node";
  const a = measure(first);
  const b = measure(first === "bun" ? "node" : "bun");
  const round = first === "bun" ? { bun: a, node: b } : { bun: b, node: a };
  all.push(round);
  const rps = (r: ClientReport): string => r.results.map((c) => `${Math.round(c.requestsPerSecond / 1000)}k`).join(" ");
  process.stderr.write(`round ${all.length}: bun ${rps(round.bun)} | node ${rps(round.node)}${isQuiet(round) ? "" : " (noisy)"}\n`);
}

const quiet = all.filter(isQuiet);
const reported = quiet.length > 0 ? quiet : all;
const header =
  `e2e loopback, client and server processes of the same runtime; Bun ${all[0]!.bun.version} (sources, Bun sockets) vs Node ${all[0]!.node.version} (dist/, node:net); ` +
  `${quiet.length > 0 ? `${quiet.length} quiet` : `no quiet round: all ${all.length} noisy`} of ${all.length} interleaved rounds, ${clientArgs[1]} s per case; ` +
  `${pinned ? `both processes pinned to CPU ${cpu}` : "not pinned (no taskset)"}.`;
console.log(formatReport(header, reported));
if (jsonOut !== "") writeFileSync(jsonOut, JSON.stringify({ header, rounds: all }, null, 2));
