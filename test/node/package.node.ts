import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

// What outside checks do: pack the package (`prepack` builds dist/), install the tarball into a
// fresh project, and use it by name from plain Node (ESM and CommonJS), from Bun, and from
// TypeScript with the settings `bun init` and `tsc --init` write, with no settings of ours.

const root = fileURLToPath(new URL("../", import.meta.url));
const bun = join(root, "node_modules/.bin/bun");
const tsc = join(root, "node_modules/.bin/tsc");

const SMOKE = `
import * as root from "bun-remoting";
import { RemotingServer, RemotingClient, createRequest, createResponse, silentLogger } from "bun-remoting";
const runtime = typeof Bun === "undefined" ? "node" : "bun";
const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger });
server.registerProcessor(10, (ctx, req) => createResponse(0, "hi " + runtime, { body: req.body }));
await server.start();
const client = new RemotingClient({ logger: silentLogger });
const response = await client.invokeSync("127.0.0.1:" + server.port, createRequest(10, { body: new Uint8Array([1, 2, 3]) }), 3000);
await client.shutdown();
await server.shutdown();
let bunEntry;
try { bunEntry = typeof (await import("bun-remoting/bun")).bunTransport.connect; } catch (error) { bunEntry = error.message; }
const node = await import("bun-remoting/node");
const protocol = await import("bun-remoting/protocol");
console.log(JSON.stringify({
  remark: response.remark,
  body: Array.from(response.body),
  transportsAtRoot: ["bunTransport", "nodeTransport"].filter((name) => name in root),
  nodeEntry: typeof node.nodeTransport.connect,
  bunEntry,
  protocolIsShared: protocol.createRequest === root.createRequest,
}));
`;

/** Imports every subpath, and uses the root the way the README does. */
const TS_ANY_RUNTIME = `
import { RemotingClient, RemotingError, RemotingServer, RemotingTimeoutError, createRequest, type RemotingCommand } from "bun-remoting";
import { nodeTransport } from "bun-remoting/node";
import { FrameDecoder, encodeFrame } from "bun-remoting/protocol";
import { parseFastjson } from "bun-remoting/rocketmq";
import { WorkerExecutorGroup } from "bun-remoting/workers";
export const server = new RemotingServer({ port: 0 });
const client = new RemotingClient({ connectTimeoutMs: 1000, transport: nodeTransport });
export async function call(): Promise<RemotingCommand | string> {
  try {
    return await client.invokeSync("127.0.0.1:9876", createRequest(105), 3000);
  } catch (error) {
    if (error instanceof RemotingTimeoutError) return \`\${error.timeoutMs} ms\`;
    if (error instanceof RemotingError) return error.code;
    throw error;
  }
}
export { FrameDecoder, encodeFrame, parseFastjson, WorkerExecutorGroup };
`;
const TS_BUN = `${TS_ANY_RUNTIME}import { bunTransport } from "bun-remoting/bun";\nexport const viaBun = new RemotingClient({ transport: bunTransport });\n`;

/** What \`bun init\` (Bun 1.4) writes. */
const BUN_INIT_OPTIONS = {
  lib: ["ESNext"], target: "ESNext", module: "Preserve", moduleDetection: "force", jsx: "react-jsx", allowJs: true, types: ["bun"],
  moduleResolution: "bundler", allowImportingTsExtensions: true, verbatimModuleSyntax: true, noEmit: true,
  strict: true, skipLibCheck: true, noFallthroughCasesInSwitch: true, noUncheckedIndexedAccess: true, noImplicitOverride: true,
  noUnusedLocals: false, noUnusedParameters: false, noPropertyAccessFromIndexSignature: false,
};

/** Stricter than any default, and declarations checked: what the package's .d.ts must survive. */
const STRICTEST = ["--skipLibCheck", "false", "--exactOptionalPropertyTypes", "--erasableSyntaxOnly", "--noPropertyAccessFromIndexSignature", "--noImplicitReturns"];

const CJS_APP = `
import remoting = require("bun-remoting");
import type { RemotingCommand } from "bun-remoting";

async function main(): Promise<void> {
  const { RemotingClient, RemotingServer, createRequest, createResponse, silentLogger } = remoting;
  const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger });
  server.registerProcessor(10, (_ctx, request) => createResponse(0, "hi from CommonJS", { body: request.body }));
  await server.start();
  const client = new RemotingClient({ logger: silentLogger });
  const response: RemotingCommand = await client.invokeSync(\`127.0.0.1:\${server.port}\`, createRequest(10, { body: new Uint8Array([4, 5]) }), 3000);
  await client.shutdown();
  await server.shutdown();
  process.stdout.write(\`\${JSON.stringify({ remark: response.remark, body: Array.from(response.body ?? []) })}\\n\`);
}
void main();
`;

/** Runs tsc; resolves with its output, throws with it when it fails. */
function typeCheck(cwd: string, args: string[]): string {
  const r = spawnSync(tsc, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsc ${args.join(" ")} failed in ${cwd}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** tsc's errors for a program that must not type-check. */
function typeErrors(cwd: string, args: string[]): string {
  const r = spawnSync(tsc, args, { cwd, encoding: "utf8" });
  assert.notEqual(r.status, 0, `tsc ${args.join(" ")} passed in ${cwd}, expected errors`);
  return r.stdout;
}

describe("the packed package, installed into a fresh project", () => {
  let project = "";
  let packed = { stderr: "", stdout: "" };
  let installed = { stderr: "", stdout: "" };
  before(() => {
    project = mkdtempSync(join(tmpdir(), "bun-remoting-consumer-"));
    const pack = spawnSync("npm", ["pack", "--pack-destination", project], { cwd: root, encoding: "utf8" });
    assert.equal(pack.status, 0, pack.stderr);
    packed = pack;
    const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"))!;
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", join(project, tarball)], { cwd: project, encoding: "utf8" });
    assert.equal(install.status, 0, install.stderr);
    installed = install;
    // the type packages a consumer's `types` names (bun init: "bun"; tsc --init's suggestion: "node")
    for (const dep of ["@types", "bun-types", "undici-types"]) symlinkSync(join(root, "node_modules", dep), join(project, "node_modules", dep));
    writeFileSync(join(project, "smoke.mjs"), SMOKE);
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  test("packing and installing warn about nothing (no install script, complete metadata)", () => {
    assert.doesNotMatch(packed.stderr, /npm warn/i);
    assert.doesNotMatch(installed.stderr, /npm warn/i);
    assert.match(packed.stderr, /LICENSE/);
    assert.doesNotMatch(packed.stderr, /\bbench\/|\btest\//);
  });

  test("plain Node imports it by name: the node:net build, the same names as under Bun; bun-remoting/bun explains itself", { timeout: 30_000 }, () => {
    const out = JSON.parse(execFileSync(process.execPath, ["smoke.mjs"], { cwd: project, encoding: "utf8" }));
    assert.deepEqual(out, {
      remark: "hi node",
      body: [1, 2, 3],
      transportsAtRoot: [],
      nodeEntry: "function",
      bunEntry: '"bun-remoting/bun" runs on Bun only; under Node import "bun-remoting" (or "bun-remoting/node" for nodeTransport)',
      protocolIsShared: true,
    });
  });

  test("Bun imports it by name: the Bun sockets build (its sources); every subpath loads", { timeout: 30_000 }, () => {
    const out = JSON.parse(execFileSync(bun, ["smoke.mjs"], { cwd: project, encoding: "utf8" }));
    assert.deepEqual(out, { remark: "hi bun", body: [1, 2, 3], transportsAtRoot: [], nodeEntry: "function", bunEntry: "function", protocolIsShared: true });
  });

  test("a CommonJS project (tsc --init, no type: module) type-checks, and runs a server and a client on Node", { timeout: 30_000 }, () => {
    const cjs = join(project, "cjs");
    mkdirSync(cjs);
    writeFileSync(join(cjs, "package.json"), JSON.stringify({ name: "cjs-consumer", private: true }));
    writeFileSync(join(cjs, "app.ts"), CJS_APP);
    typeCheck(cjs, ["--init"]);
    typeCheck(cjs, ["-p", ".", "--types", "node", "--outDir", "out"]);
    const out = JSON.parse(execFileSync(process.execPath, [join("out", "app.js")], { cwd: cjs, encoding: "utf8" }));
    assert.deepEqual(out, { remark: "hi from CommonJS", body: [4, 5] });
    // plain JavaScript: require() (Node 20.19+ and 22.12+ load ES modules so)
    writeFileSync(join(cjs, "plain.cjs"), 'const { RemotingServer, createRequest } = require("bun-remoting");\nconsole.log(typeof RemotingServer, createRequest(10).code);\n');
    assert.equal(execFileSync(process.execPath, ["plain.cjs"], { cwd: cjs, encoding: "utf8" }), "function 10\n");
  });

  test("TypeScript in a default bun init project: only declarations, never the package's sources, even with the strictest settings", { timeout: 60_000 }, () => {
    const dir = join(project, "bun-app");
    mkdirSync(dir);
    writeFileSync(join(dir, "app.ts"), TS_BUN);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: BUN_INIT_OPTIONS, files: ["app.ts"] }));
    const files = typeCheck(dir, ["-p", ".", "--listFiles"]).split("\n").filter((f) => f.includes("/node_modules/bun-remoting/"));
    assert.ok(files.length > 20, files.join("\n"));
    assert.deepEqual(files.filter((f) => !f.endsWith(".d.ts")), []);
    typeCheck(dir, ["-p", ".", ...STRICTEST]);
    typeCheck(dir, ["-p", ".", "--customConditions", "bun", "--skipLibCheck", "false"]); // the old README's advice changes nothing now
    writeFileSync(join(dir, "wrong.ts"), 'import { nodeTransport, bunTransport } from "bun-remoting";\nexport { nodeTransport, bunTransport };\n');
    writeFileSync(join(dir, "tsconfig.wrong.json"), JSON.stringify({ compilerOptions: BUN_INIT_OPTIONS, files: ["wrong.ts"] }));
    const errors = typeErrors(dir, ["-p", "tsconfig.wrong.json"]);
    assert.match(errors, /wrong\.ts.*has no exported member .*nodeTransport/);
    assert.match(errors, /wrong\.ts.*has no exported member .*bunTransport/);
  });

  test("TypeScript in a Node project (tsc --init: nodenext, ESM): declarations only; bun-remoting/bun declares nothing there", { timeout: 60_000 }, () => {
    const dir = join(project, "node-app");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "node-consumer", private: true, type: "module" }));
    writeFileSync(join(dir, "app.ts"), TS_ANY_RUNTIME);
    typeCheck(dir, ["--init"]);
    typeCheck(dir, ["-p", ".", "--types", "node", "--noEmit"]);
    typeCheck(dir, ["-p", ".", "--types", "node", "--noEmit", ...STRICTEST]);
    typeCheck(dir, ["-p", ".", "--types", "node", "--noEmit", "--module", "node16", "--moduleResolution", "node16"]);
    writeFileSync(join(dir, "app.ts"), TS_BUN);
    assert.match(typeErrors(dir, ["-p", ".", "--types", "node", "--noEmit"]), /has no exported member .*bunTransport/);
  });

  test("the bun-remoting command: plain Node runs the build (serve, ping, call); bunx runs it on Bun", { timeout: 30_000 }, async () => {
    const cli = join(project, "node_modules/.bin/bun-remoting");
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_"))); // as from a shell, not from npm test
    assert.match(execFileSync(process.execPath, [cli, "--version"], { cwd: project, encoding: "utf8", env }), /^bun-remoting [\d.]+ on Node v[\d.]+ \(dist\)\n$/);
    assert.match(execFileSync(bun, ["x", "bun-remoting", "--version"], { cwd: project, encoding: "utf8", env }), /^bun-remoting [\d.]+ on Bun [\d.]+ \(sources\)\n$/);
    const server = spawn(process.execPath, [cli, "serve", "--port", "0"], { cwd: project, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const port = await new Promise<string>((resolve, reject) => {
      server.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = out.match(/listening on 127\.0\.0\.1:(\d+)/);
        if (match) resolve(match[1]!);
      });
      server.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    try {
      const ping = execFileSync(process.execPath, [cli, "ping", `127.0.0.1:${port}`, "-c", "2", "-i", "10"], { cwd: project, encoding: "utf8", env });
      assert.match(ping, /2 requests, 2 replies, 0% loss/);
      const call = JSON.parse(execFileSync(process.execPath, [cli, "call", `127.0.0.1:${port}`, "--code", "10", "--ext", "k=v", "--output", "json"], { cwd: project, encoding: "utf8", env }));
      assert.equal(call.code, 0);
      assert.deepEqual(call.extFields, { k: "v" });
    } finally {
      const exited = new Promise((resolve) => server.on("exit", resolve));
      server.kill("SIGINT");
      assert.equal(await exited, 0);
    }
    assert.match(out, /stopping; connections 0, requests 3/);
    const bench = spawnSync(process.execPath, [cli, "bench"], { cwd: project, encoding: "utf8", env });
    assert.equal(bench.status, 2);
    assert.match(bench.stderr, /^bun-remoting: bench runs the benchmark suite of a source checkout, which an installed package does not include/);
  });
});
