#!/usr/bin/env node
// The `bun-remoting` command's launcher. Under Bun it runs the TypeScript sources (src/cli/main.ts).
// Under Node it runs the built CLI (dist/cli/main.js, on node:net) when the package has been built,
// as an installed package always is; in a source checkout without dist/ it runs the sources with
// Bun, found on PATH or as the `bun` npm package, and passes the exit status on.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const sources = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

function findBun() {
  try {
    const pkg = createRequire(import.meta.url).resolve("bun/package.json");
    const exe = join(dirname(pkg), "bin", "bun.exe"); // the npm package names it so on every platform
    if (existsSync(exe)) return exe;
  } catch {
    // not installed as a package: try PATH
  }
  return "bun";
}

if (process.versions.bun !== undefined || existsSync(built)) {
  const { main } = await import(process.versions.bun !== undefined ? sources : built);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const child = spawn(findBun(), [sources, ...process.argv.slice(2)], { stdio: "inherit" });
  process.on("SIGINT", () => {}); // the child got it too and decides when to stop
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("error", (error) => {
    process.stderr.write(`bun-remoting: without a build (npm run build) this command runs on Bun, which was not found (${error.message}). Install it: https://bun.sh\n`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)));
}
