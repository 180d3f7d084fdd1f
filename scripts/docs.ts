/**
 * The API reference, generated from the doc comments by typedoc, and its check.
 *
 *   bun scripts/docs.ts            (npm run docs)        writes the HTML reference to docs/api/ (not in git)
 *   bun scripts/docs.ts --check    (npm run docs:check)  fails on an exported member without a doc comment
 *                                                        or a {@link} that resolves to nothing
 *
 * The entry points are the package's subpaths (each export's "bun-remoting-source" target), so a
 * new subpath is documented and checked without a change here. typedoc runs on Node, on TypeScript
 * 6's JavaScript API (the dev dependency "typescript-6"): TypeScript 7, the project's compiler, has
 * none (scripts/typescript-6-for-typedoc.mjs).
 *
 * Members in CONSTANT_CASE of a constant table (RequestCode.SEND_MESSAGE, ResponseCode.SUCCESS...)
 * are documented by their names, which are Java's, and the table's own comment. Every other
 * exported member needs a comment of its own.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { exportMap, pick } from "./declared-exports.ts";

const root = join(import.meta.dir, "..");
const args = process.argv.slice(2);
const check = args.includes("--check");

const entryPoints = Object.values(exportMap(root))
  .map((entry) => pick(entry, new Set(["bun-remoting-source"])))
  .filter((file): file is string => file?.endsWith(".ts") === true);
/** typedoc's module names (paths under src/ without index.ts and .ts) prefix the member names it reports. */
const modulePrefix = new RegExp(`^(?:${entryPoints.map((f) => f.replace(/^\.\/src\//, "").replace(/(\/index)?\.ts$/, "")).join("|")})\\.`);

const typedoc = spawnSync(
  "node",
  [
    "--import", "./scripts/typescript-6-for-typedoc.mjs",
    "node_modules/typedoc/bin/typedoc",
    "--tsconfig", "tsconfig.json",
    "--name", "bun-remoting",
    "--readme", "none",
    "--excludePrivate", "--excludeInternal",
    "--disableSources", // source links would need a git remote, which a clone may not have
    "--validation.notExported", "--validation.invalidLink", "--validation.notDocumented",
    ...(check ? ["--emit", "none"] : ["--out", "docs/api"]),
    "--entryPoints", ...entryPoints,
  ],
  { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
);
const lines = `${typedoc.stdout}${typedoc.stderr}`.split("\n").map((l) => l.replace(/\x1b\[[0-9;]*m/g, "").trim()).filter((l) => l !== "");

/** "index.RemotingServer.start (Method), defined in bun-remoting/src/core/x.ts, does not have any documentation" */
const UNDOCUMENTED = /^\[warning\] (.+?), defined in [^/]+\/(\S+), does not have any documentation$/;
/** Java's constants in a table: documented by name. */
const CONSTANT = /\.[A-Z][A-Z0-9_]*(?: \(Property\))?$/;
/** "X, defined in bun-remoting/src/core/x.ts, is referenced by index.Y but not included in the documentation" */
const NOT_EXPORTED = /^\[warning\] (\S+), defined in [^/]+\/(\S+), is referenced by (\S+) but not included in the documentation$/;

const gaps = new Map<string, string[]>(); // file -> members
const links: string[] = [];
const internals: string[] = [];
const other: string[] = [];
for (const line of lines) {
  const undocumented = line.match(UNDOCUMENTED);
  if (undocumented) {
    const [, member, file] = undocumented as unknown as [string, string, string];
    if (!CONSTANT.test(member)) gaps.set(file, [...(gaps.get(file) ?? []), member.replace(modulePrefix, "")]);
    continue;
  }
  const internal = line.match(NOT_EXPORTED);
  if (internal) internals.push(`${internal[3]} shows ${internal[1]} (${internal[2]})`);
  else if (/link|resolve/i.test(line) && line.startsWith("[warning]")) links.push(line.replace(/^\[warning\] /, ""));
  else if (/^\[(warning|error)\]/.test(line) && !/^\[warning\] Found \d+ errors/.test(line)) other.push(line);
}

if (!check) {
  for (const line of other) console.error(line);
  if (typedoc.status !== 0) process.exit(typedoc.status ?? 1);
  console.log(`API reference written to docs/api/index.html (${entryPoints.length} entry points: ${entryPoints.join(", ")})`);
  process.exit(0);
}

const fresh = [...new Set([...gaps].flatMap(([file, members]) => members.map((m) => `${file}  ${m}`)))].sort();

/**
 * typedoc gives an exported class without a comment of its own its base class's comment, so the
 * check above passes it: such classes are found in the sources instead.
 */
async function withoutOwnComment(): Promise<string[]> {
  const exported = new Set<string>();
  for (const entry of entryPoints) for (const name of Object.keys(await import(join(root, entry)))) exported.add(name);
  const found: string[] = [];
  for await (const file of new Glob("src/**/*.ts").scan(root)) {
    const lines = readFileSync(join(root, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      const name = /^export (?:abstract )?class (\w+)/.exec(line)?.[1];
      if (name === undefined || !exported.has(name)) return;
      let above = i - 1;
      while (above >= 0 && (lines[above]!.trim() === "" || lines[above]!.trim().startsWith("@"))) above--;
      if (!(lines[above] ?? "").trim().endsWith("*/")) found.push(`${file}  ${name} (a comment of its own)`);
    });
  }
  return found;
}
fresh.push(...(await withoutOwnComment()));

const report: string[] = [];
if (fresh.length > 0) {
  report.push(`Exported members without a doc comment (${fresh.length}), by file:`);
  let file = "";
  for (const gap of fresh) {
    const [f, member] = gap.split("  ") as [string, string];
    if (f !== file) report.push(`  ${(file = f)}`);
    report.push(`    ${member}`);
  }
}
if (links.length > 0) report.push(`Links in doc comments that resolve to nothing (${links.length}):`, ...links.map((l) => `  ${l}`));
if (other.length > 0) report.push(`Other typedoc warnings and errors (${other.length}):`, ...other.map((l) => `  ${l}`));
if (args.includes("--internals") || report.length > 0) {
  if (internals.length > 0) report.push(`(For information) internal types that the public API shows (${internals.length}):`, ...internals.map((l) => `  ${l}`));
}
if (report.length > 0) console.log(report.join("\n"));
const failed = fresh.length + links.length + other.length > 0 || typedoc.status !== 0;
console.log(failed ? "docs check: FAILED" : `docs check: every exported member of ${entryPoints.length} entry points documented, every link resolves`);
process.exit(failed ? 1 : 0);
