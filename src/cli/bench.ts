import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Exit } from "./usage-error.ts";

export const BENCH_USAGE = `Usage: bun-remoting bench [args...]

Runs the package's benchmark suite (npm run bench, mitata, loopback only), passing args on. The
suite ships with the source repository: run it in a checkout, after npm install.
`;

/** The package root: two levels above this file (src/cli). */
const root = fileURLToPath(new URL("../..", import.meta.url));

export async function bench(args: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    out(BENCH_USAGE);
    return Exit.OK;
  }
  const manifest = join(root, "package.json");
  const script = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { scripts?: Record<string, string> }).scripts?.bench : undefined;
  if (script === undefined || !existsSync(join(root, "bench"))) {
    err(`bun-remoting bench: no benchmark suite in ${root}; it ships with the source repository (git clone, npm install, npm run bench)\n`);
    return Exit.ERROR;
  }
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const child = spawn(npm, ["run", "bench", ...(args.length > 0 ? ["--", ...args] : [])], { cwd: root, stdio: "inherit" });
  return await new Promise<number>((resolve) => {
    child.on("error", (error) => {
      err(`bun-remoting bench: could not run npm: ${error.message}\n`);
      resolve(Exit.ERROR);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal === null ? Exit.ERROR : 128)));
  });
}
