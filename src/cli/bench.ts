import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Exit } from "./usage-error.ts";

export const BENCH_USAGE = `Usage: bun-remoting bench [args...]

Runs the benchmark suite of this source checkout (npm run bench: mitata, loopback only), passing
args on. The suite is not part of the installed package: clone the repository, npm install, then
npm run bench (https://github.com/bun-remoting/bun-remoting#benchmarks).
`;

/** The package root: two levels above this file (src/cli or dist/cli). */
const root = fileURLToPath(new URL("../..", import.meta.url));

/** Whether the benchmark suite is here: a source checkout has bench/, an installed package does not. */
export function benchAvailable(): boolean {
  return existsSync(join(root, "bench", "run.ts"));
}

export async function bench(args: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    out(BENCH_USAGE);
    return Exit.OK;
  }
  if (!benchAvailable()) {
    err("bun-remoting: bench runs the benchmark suite of a source checkout, which an installed package does not include; clone https://github.com/bun-remoting/bun-remoting, then npm install and npm run bench\n");
    return Exit.ERROR;
  }
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const child = spawn(npm, ["run", "bench", ...(args.length > 0 ? ["--", ...args] : [])], { cwd: root, stdio: "inherit" });
  return await new Promise<number>((resolve) => {
    child.on("error", (error) => {
      err(`bun-remoting: cannot run npm for the benchmark suite: ${error.message}\n`);
      resolve(Exit.ERROR);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal === null ? Exit.ERROR : 128)));
  });
}
