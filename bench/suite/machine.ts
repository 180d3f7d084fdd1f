import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import type { Machine, Results } from "./results.ts";

/** What the run was measured on and with: the machine, the runtimes, the code. */

export function machine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: `${process.platform} ${release()}`,
    loadAtStart: currentLoad(),
    loadAtEnd: [],
  };
}

export function currentLoad(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

function output(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "";
}

export function runtimes(root: string): Results["runtimes"] {
  const mitata = JSON.parse(readFileSync(`${root}node_modules/mitata/package.json`, "utf8")) as { version: string };
  return { bun: process.versions.bun ?? "unknown", node: output("node", ["--version"], root).replace(/^v/, "") || "not found", mitata: mitata.version };
}

export function gitState(root: string): Results["git"] {
  return { commit: output("git", ["rev-parse", "HEAD"], root) || "unknown", dirty: output("git", ["status", "--porcelain"], root) !== "" };
}
