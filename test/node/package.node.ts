import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

// What outside checks do: pack the package (its `prepare` builds dist/), install the tarball into
// a fresh project, and use it by name from plain Node and from Bun, and from TypeScript.

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
try { await import("bun-remoting/bun"); bunEntry = "loads"; } catch (error) { bunEntry = error.message; }
const node = await import("bun-remoting/node");
console.log(JSON.stringify({
  remark: response.remark,
  body: Array.from(response.body),
  transport: "bunTransport" in root ? "bun" : "nodeTransport" in root ? "node" : "none",
  nodeEntry: typeof node.nodeTransport?.connect,
  bunEntry,
}));
`;

const TYPES = `
import { RemotingClient, RemotingServer, createRequest, nodeTransport, type RemotingCommand } from "bun-remoting";
import { RemotingServer as NodeServer } from "bun-remoting/node";
const server: RemotingServer = new RemotingServer({ port: 0, transport: nodeTransport });
const client = new RemotingClient({ connectTimeoutMs: 1000 });
const answer: Promise<RemotingCommand> = client.invokeSync("127.0.0.1:9876", createRequest(105), 3000);
export { server, answer, NodeServer };
`;

describe("the packed package, installed into a fresh project", () => {
  let project = "";
  before(() => {
    project = mkdtempSync(join(tmpdir(), "bun-remoting-consumer-"));
    const quiet = { stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"] };
    const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", project], { cwd: root, encoding: "utf8", ...quiet }).trim().split("\n").pop()!;
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    execFileSync("npm", ["install", "--silent", "--no-audit", "--no-fund", join(project, tarball)], { cwd: project, ...quiet });
    writeFileSync(join(project, "smoke.mjs"), SMOKE);
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  test("plain Node imports it by name: the node:net build; bun-remoting/bun explains itself", { timeout: 30_000 }, () => {
    const out = JSON.parse(execFileSync(process.execPath, ["smoke.mjs"], { cwd: project, encoding: "utf8" }));
    assert.deepEqual(out, { remark: "hi node", body: [1, 2, 3], transport: "node", nodeEntry: "function", bunEntry: '"bun-remoting/bun" runs on Bun only; under Node import "bun-remoting" or "bun-remoting/node"' });
  });

  test("Bun imports it by name: the Bun sockets build (its sources); bun-remoting/node works there too", { timeout: 30_000 }, () => {
    const out = JSON.parse(execFileSync(bun, ["smoke.mjs"], { cwd: project, encoding: "utf8" }));
    assert.deepEqual(out, { remark: "hi bun", body: [1, 2, 3], transport: "bun", nodeEntry: "function", bunEntry: "loads" });
  });

  test("the bun-remoting command runs under plain Node from the installed package: serve, ping, call", { timeout: 30_000 }, async () => {
    const cli = join(project, "node_modules/.bin/bun-remoting");
    const server = spawn(process.execPath, [cli, "serve", "--port", "0"], { cwd: project, stdio: ["ignore", "pipe", "inherit"] });
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
      const ping = execFileSync(process.execPath, [cli, "ping", `127.0.0.1:${port}`, "-c", "2", "-i", "10"], { cwd: project, encoding: "utf8" });
      assert.match(ping, /2 requests, 2 replies, 0% loss/);
      const call = JSON.parse(execFileSync(process.execPath, [cli, "call", `127.0.0.1:${port}`, "--code", "10", "--ext", "k=v", "--output", "json"], { cwd: project, encoding: "utf8" }));
      assert.equal(call.code, 0);
      assert.deepEqual(call.extFields, { k: "v" });
    } finally {
      const exited = new Promise((resolve) => server.on("exit", resolve));
      server.kill("SIGINT");
      assert.equal(await exited, 0);
    }
    assert.match(out, /stopping; connections 0, requests 3/);
  });

  test("TypeScript (node16 resolution, no skipLibCheck) type-checks against its declarations", { timeout: 30_000 }, () => {
    writeFileSync(join(project, "check.ts"), TYPES);
    const options = { target: "ES2022", module: "node16", moduleResolution: "node16", lib: ["ESNext"], types: [], strict: true, noEmit: true, skipLibCheck: false };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["check.ts"] }));
    execFileSync(tsc, ["-p", project], { cwd: project, encoding: "utf8" });
  });
});
