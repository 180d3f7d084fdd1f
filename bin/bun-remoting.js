#!/usr/bin/env node
// The `bun-remoting` command's launcher. It runs the CLI on Bun from the TypeScript sources
// (src/cli/main.ts, Bun sockets) when Bun is what the user invoked, and on Node from the build
// (dist/cli/main.js, node:net) otherwise:
// - started by Bun (`bun bin/bun-remoting.js`, `bunx --bun bun-remoting`): the sources, in-process;
// - started by Node on behalf of Bun (`bunx bun-remoting` and `bun run` honour this file's node
//   shebang, but name themselves in npm_execpath): the sources, on that Bun;
// - started by Node otherwise (`npx bun-remoting`, `node_modules/.bin/bun-remoting`): the build,
//   in-process; in a source checkout that was not built, the sources on Bun (PATH or the `bun`
//   npm package). The exit status is passed on.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const sources = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const args = process.argv.slice(2);

/**
 * The Bun that ran bunx or `bun run` and started this Node process, if it did: it sets npm_execpath
 * to itself, which is `bunx` (or `bunx.exe`, as the npm package installs it) when bunx ran. The
 * sources are then run by the `bun` beside it, since `bunx <file>` would look for a package.
 */
function invokingBun() {
  const exe = process.env.npm_execpath;
  const name = exe === undefined ? "" : basename(exe);
  if (!/^bunx?(\.exe)?$/.test(name)) return undefined;
  const bun = join(dirname(exe), name.replace(/^bunx/, "bun"));
  return existsSync(bun) ? bun : undefined;
}

/** Bun for a checkout without dist/: the `bun` npm package (a dev dependency), else PATH. */
function anyBun() {
  try {
    const pkg = createRequire(import.meta.url).resolve("bun/package.json");
    const exe = join(dirname(pkg), "bin", "bun.exe"); // the npm package names it so on every platform
    if (existsSync(exe)) return exe;
  } catch {
    // not installed as a package: try PATH
  }
  return "bun";
}

function runOn(bun) {
  const child = spawn(bun, [sources, ...args], { stdio: "inherit" });
  process.on("SIGINT", () => {}); // the child got it too and decides when to stop
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("error", (error) => {
    process.stderr.write(`bun-remoting: cannot start Bun (${bun}): ${error.message}; install it (https://bun.sh) or build the package (npm run build) to run on Node\n`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)));
}

const bun = process.versions.bun === undefined ? invokingBun() : undefined;
if (process.versions.bun !== undefined || (bun === undefined && existsSync(built))) {
  const { main } = await import(process.versions.bun !== undefined ? sources : built);
  process.exitCode = await main(args);
} else {
  runOn(bun ?? anyBun());
}
