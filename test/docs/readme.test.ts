import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_DEFAULTS, createRequest, createResponse, defaultLogger, SERVER_DEFAULTS } from "../../src/index.ts";
import { CONDITIONS, exportMap, pick } from "../../scripts/declared-exports.ts";
import { CALL_USAGE } from "../../src/cli/call.ts";
import { usage } from "../../src/cli/main.ts";
import { PING_USAGE } from "../../src/cli/ping.ts";
import { SERVE_USAGE } from "../../src/cli/serve.ts";
import { addrOf, useHarness } from "../helpers/harness.ts";

/*
 * The README documents the code as it behaves: every option with its default, every error code,
 * every stats field, every entry point of the package, every command and option of the CLI, and
 * links only to what the package ships. These tests fail when the code and the README drift apart.
 */

const h = useHarness();
const root = join(import.meta.dir, "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The text of a section: from its heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const lines = readme.split("\n");
  const start = lines.findIndex((l) => l === heading);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const level = heading.indexOf(" ");
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(" ") <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** Rows of the markdown tables in `text` whose first cell is a code span: name -> cells. */
function tableRows(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m = line.match(/^\| `([^`]+)` \|(.*)\|$/);
    const isHeader = lines[i + 1]?.startsWith("| ---") === true;
    if (m && !isHeader) rows.set(m[1]!, m[2]!.split(" | ").map((c) => c.trim()));
  });
  return rows;
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);

/** How a default value is written in the table. */
function written(value: unknown): string {
  if (value === defaultLogger) return "defaultLogger";
  return JSON.stringify(value);
}

describe("README", () => {
  test("opens with the two commands", () => {
    expect(readme.split("\n").slice(0, 6).join("\n")).toBe(
      "# bun-remoting\n\n```sh\nnpm install && npm run bench    # the benchmark suite on loopback (short by default)\nnpm install && npm test         # the tests\n```",
    );
  });

  test("every link of the contents goes to a heading", () => {
    const anchors = new Set(
      readme
        .split("\n")
        .filter((l) => /^#+ /.test(l))
        .map((l) => l.replace(/^#+ /, "").toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")),
    );
    const links = [...section("## Contents").matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(anchors.has(link) ? link : `missing #${link}`).toBe(link);
  });

  test("Configuration: every option is in the table, for the right endpoints, with the code's default and unit", () => {
    const rows = tableRows(section("## Configuration"));
    const names = new Set([...Object.keys(SERVER_DEFAULTS), ...Object.keys(CLIENT_DEFAULTS)]);
    for (const name of names) {
      const row = rows.get(name);
      expect(row === undefined ? `no row for ${name}` : name).toBe(name);
      const [appliesTo, unit, defaults] = row!;
      const server = name in SERVER_DEFAULTS;
      const client = name in CLIENT_DEFAULTS;
      expect(`${name}: ${appliesTo}`).toBe(`${name}: ${server && client ? "both" : server ? "server" : "client"}`);
      const spans = codeSpans(defaults!);
      for (const [kind, defaultsOf] of [["server", SERVER_DEFAULTS], ["client", CLIENT_DEFAULTS]] as const) {
        if (!(name in defaultsOf)) continue;
        const value = written((defaultsOf as Record<string, unknown>)[name]);
        expect(`${name} (${kind}): ${spans.includes(value) ? value : spans.join(", ")}`).toBe(`${name} (${kind}): ${value}`);
      }
      if (name.endsWith("Ms")) expect(`${name}: ${unit}`).toBe(`${name}: ms`);
      if (name === "maxFrameLength" || name.startsWith("writeBuffer")) expect(`${name}: ${unit}`).toBe(`${name}: bytes`);
    }
    // nothing documented that does not exist (transport is the constructors' own option)
    for (const name of rows.keys()) expect(names.has(name) || name === "transport" ? name : `stale row ${name}`).toBe(name);
  });

  test("Members: every public member of RemotingServer, RemotingClient and SubRemotingServer has a row", async () => {
    const text = section("### Members of RemotingServer and RemotingClient");
    // The first cell of every row: one or more code spans, a member each ("`port`, `address`").
    const spans = text.split("\n").filter((l) => l.startsWith("| `")).flatMap((l) => codeSpans(l.split(" | ")[0]!));
    const names = new Set(spans.map((span) => span.split("(")[0]!));
    /** Public names along the prototype chain, up to Object. */
    const members = (object: object): string[] => {
      const found: string[] = [];
      for (let proto = Object.getPrototypeOf(object); proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        found.push(...Object.getOwnPropertyNames(proto).filter((n) => n !== "constructor"));
        if (Object.getOwnPropertySymbols(proto).includes(Symbol.asyncDispose)) found.push("[Symbol.asyncDispose]");
      }
      return [...new Set(found)];
    };
    const documented = (name: string): boolean => names.has(name);
    const server = await h.server({});
    const sub = server.newRemotingServer(0);
    const internal = new Set(["stopAccepting", "owns"]); // @internal: the server's own use
    for (const [kind, object] of [["RemotingServer", server], ["RemotingClient", h.client()], ["SubRemotingServer", sub]] as const) {
      const own = members(object).filter((n) => !internal.has(n));
      expect(own.length).toBeGreaterThan(5);
      for (const name of own) expect(`${kind}.${name}: ${documented(name) ? "documented" : "missing"}`).toBe(`${kind}.${name}: documented`);
    }
    expect(names.has("new RemotingServer")).toBe(true);
    expect(names.has("new RemotingClient")).toBe(true);
  });

  test("Errors: every code of src/errors.ts is in the table, with its class", () => {
    const source = readFileSync(join(root, "src/errors.ts"), "utf8");
    const classes = new Map([...source.matchAll(/export class (\w+) extends RemotingError \{[^]*?super\(\s*"(ERR_[A-Z_]+)"/g)].map((m) => [m[2]!, m[1]!]));
    expect(classes.size).toBeGreaterThanOrEqual(7);
    const rows = tableRows(section("## Errors"));
    for (const [code, cls] of classes) {
      expect(rows.has(code) ? code : `no row for ${code}`).toBe(code);
      expect(rows.get(code)![0]).toBe(`\`${cls}\``);
    }
    for (const code of rows.keys()) expect(classes.has(code) ? code : `stale row ${code}`).toBe(code);
  });

  test("Stats: every field of a snapshot is documented", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(10, () => createResponse(1, "no")));
    await h.client().invokeSync(addrOf(server), createRequest(10), 3000);
    const stats = server.stats;
    const codeStats = stats.served.byCode["10"]!;
    const fields = new Set([
      ...Object.keys(stats),
      ...Object.keys(stats.served),
      ...Object.keys(codeStats),
      ...Object.keys(codeStats.latencyMs!),
    ]);
    const documented = new Set(section("### Stats").split("\n").filter((l) => l.startsWith("| `")).flatMap((l) => codeSpans(l.split(" | ")[0]!)));
    for (const field of fields) expect(documented.has(field) ? field : `undocumented stats field ${field}`).toBe(field);
  });

  test("Package entry points: every subpath of the export map, with what Bun and Node load", () => {
    const rows = tableRows(section("## Package entry points"));
    const map = exportMap(root);
    const subpaths = Object.keys(map).filter((s) => s !== "./package.json");
    const documented = [...rows.keys()].filter((name) => name.startsWith("bun-remoting"));
    expect(documented.sort()).toEqual(subpaths.map((s) => `bun-remoting${s.slice(1)}`).sort());
    for (const subpath of subpaths) {
      const [, underBun, underNode] = rows.get(`bun-remoting${subpath.slice(1)}`)!;
      const onBun = pick(map[subpath]!, CONDITIONS.bun)!.slice(2);
      const onNode = pick(map[subpath]!, CONDITIONS.node)!.slice(2);
      expect(`${subpath} under Bun: ${underBun}`).toContain(`\`${onBun}\``);
      expect(`${subpath} under Node: ${underNode}`).toContain(onNode.endsWith("requires-bun.js") ? "an error at import" : `\`${onNode}\``);
    }
  });

  test("Command line: every command and every option of the CLI's help", () => {
    const cli = section("## Command line");
    const rows = tableRows(cli);
    const list = usage(true).split("Commands:\n")[1]!.split("\n\n")[0]!;
    const commands = [...list.matchAll(/^ {2}(\w+)( <host:port>| \[args\])?/gm)].map((m) => `${m[1]}${m[2] ?? ""}`);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const command of commands) expect(rows.has(command) ? command : `no row for ${command}`).toBe(command);
    for (const [command, help] of [["ping <host:port>", PING_USAGE], ["call <host:port>", CALL_USAGE], ["serve", SERVE_USAGE]] as const) {
      const options = [...help.matchAll(/^ {2}(?:(-\w), )?(--[a-z-]+)/gm)].flatMap((m) => [m[1], m[2]]).filter((o): o is string => o !== undefined && o !== "--help" && o !== "-h");
      expect(options.length).toBeGreaterThan(3);
      const row = rows.get(command)!.join(" | ");
      for (const option of options) expect(`${command}: ${row.includes(`\`${option}\``) ? option : `${option} missing`}`).toBe(`${command}: ${option}`);
    }
    expect(cli).toContain("`-h`/`--help`");
    expect(cli).toContain("--version");
  });

  test("every relative link goes to a file the package ships (others are absolute, to the repository)", () => {
    const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" })) as [{ files: { path: string }[] }];
    const shipped = new Set(packed[0].files.map((f) => f.path));
    expect(shipped.has("LICENSE")).toBe(true);
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
    for (const link of links) expect(shipped.has(link) ? link : `${link} is not in the package`).toBe(link);
  });
});
