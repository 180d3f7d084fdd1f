/**
 * The end-to-end benchmark on both runtimes, in one run: builds the package (dist/) and the Node
 * bundles of the bench processes, then runs the measuring client (which starts its own server) under
 * Bun (the sources, Bun sockets) and under Node (dist/, node:net), alternating the order each round,
 * and prints both side by side.
 *   bun bench/e2e/run.ts [--rounds 3] [--seconds 1] [--warmup 0.3] [--cpu 1] [--only text] [--json file]
 * Both processes of a pair are pinned to one CPU with taskset when it is available: unpinned runs on
 * a 2-vCPU VM swing 2.5-4x with the scheduler's placement (platform notes §0).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "../../scripts/node-bundle.ts";
import type { ClientReport } from "./cases.ts";
import { formatReport } from "./report.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const rounds = Number(option("rounds", "3"));
const clientArgs = ["--seconds", option("seconds", "1"), "--warmup", option("warmup", "0.3"), "--only", option("only", "")];
const cpu = option("cpu", "1");
const jsonOut = option("json", "");

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
const runtimes = {
  bun: [process.execPath, `${here}client.ts`, `${here}server.ts`],
  node: ["node", `${nodeBuild}client.js`, `${nodeBuild}server.js`],
};

const reports: Record<"bun" | "node", ClientReport[]> = { bun: [], node: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? (["bun", "node"] as const) : (["node", "bun"] as const);
  for (const runtime of order) {
    const [command, ...rest] = [...pin, ...runtimes[runtime], ...clientArgs];
    const report = JSON.parse(run(command!, rest).trim().split("\n").pop()!) as ClientReport;
    reports[runtime].push(report);
    process.stderr.write(`round ${round + 1}/${rounds} ${runtime}: ${report.results.map((r) => `${r.name} ${Math.round(r.requestsPerSecond)}/s`).join(", ")}\n`);
  }
}

const bunVersion = reports.bun[0]?.version ?? "?";
const nodeVersion = reports.node[0]?.version ?? "?";
const header =
  `e2e loopback, client and server processes of the same runtime; Bun ${bunVersion} (sources, Bun sockets) vs Node ${nodeVersion} (dist/, node:net); ` +
  `${rounds} interleaved rounds of ${clientArgs[1]} s per case; ${pinned ? `both processes pinned to CPU ${cpu}` : "not pinned (no taskset)"}.`;
console.log(formatReport(header, reports.bun, reports.node));
if (jsonOut !== "") writeFileSync(jsonOut, JSON.stringify({ header, ...reports }, null, 2));
