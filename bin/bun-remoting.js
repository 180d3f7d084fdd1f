#!/usr/bin/env node
// The `bun-remoting` command's launcher. The CLI is TypeScript (src/cli/main.ts) run by Bun: under
// Bun this file runs it in-process; under Node it runs it with Bun, found on PATH or as the `bun`
// npm package, and passes the exit status on. Ctrl-C reaches Bun directly (same process group).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

function findBun() {
  if (process.env.BUN_REMOTING_BUN) return process.env.BUN_REMOTING_BUN;
  try {
    const pkg = createRequire(import.meta.url).resolve("bun/package.json");
    const exe = join(dirname(pkg), "bin", "bun.exe"); // the npm package names it so on every platform
    if (existsSync(exe)) return exe;
  } catch {
    // not installed as a package: try PATH
  }
  return "bun";
}

if (process.versions.bun !== undefined) {
  const { main } = await import(entry);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const child = spawn(findBun(), [entry, ...process.argv.slice(2)], { stdio: "inherit" });
  process.on("SIGINT", () => {}); // the child got it too and decides when to stop
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("error", (error) => {
    process.stderr.write(`bun-remoting: this command runs on Bun, which was not found (${error.message}). Install it: https://bun.sh\n`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)));
}
