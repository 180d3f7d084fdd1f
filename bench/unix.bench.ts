/**
 * Unix domain socket against TCP loopback (mitata), the same calls in one run: a server listening
 * on a TCP port and, through a sub-server with the same processor, on a unix socket; invokeSync one
 * at a time, and invokeAsync 64 at a time, 64-byte bodies, client and server in one process.
 *   taskset -c 1 bun bench/unix.bench.ts [--json]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bench, group, run, summary } from "mitata";
import { createRequest, createResponse, RemotingClient, RemotingServer, silentLogger, type ProcessorFunction } from "../src/index.ts";

const ECHO = 10;
const dir = mkdtempSync(join(tmpdir(), "bun-remoting-unix-bench-"));
const echo: ProcessorFunction = (_ctx, request) => createResponse(0, null, { body: request.body });
const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger });
server.registerProcessor(ECHO, echo);
await server.start();
const overUnix = server.newRemotingServer({ unix: join(dir, "bench.sock") });
overUnix.registerProcessor(ECHO, echo);
await overUnix.start();

const targets = { tcp: server.address, unix: overUnix.address };
const clients = { tcp: new RemotingClient({ logger: silentLogger }), unix: new RemotingClient({ logger: silentLogger }) };
const body = new Uint8Array(64).fill(7);
const request = (): ReturnType<typeof createRequest> => createRequest(ECHO, { body, serializeType: "ROCKETMQ" });
for (const name of ["tcp", "unix"] as const) await clients[name].invokeSync(targets[name], request(), 3000);

const asyncBatch = (name: "tcp" | "unix"): Promise<void> =>
  new Promise((resolve, reject) => {
    let left = 64;
    for (let i = 0; i < 64; i++) {
      clients[name].invokeAsync(targets[name], request(), 3000, (error) => {
        if (error !== null) reject(error);
        else if (--left === 0) resolve();
      });
    }
  });

summary(() => {
  group("invokeSync, one at a time, 64-byte body", () => {
    for (const name of ["tcp", "unix"] as const) bench(name, () => clients[name].invokeSync(targets[name], request(), 3000));
  });
});
summary(() => {
  group("invokeAsync, 64 at a time, 64-byte body (time per batch of 64)", () => {
    for (const name of ["tcp", "unix"] as const) bench(name, () => asyncBatch(name));
  });
});

await run({ format: process.argv.includes("--json") ? "json" : "mitata" });
await Promise.all([clients.tcp.shutdown(), clients.unix.shutdown(), server.shutdown()]);
rmSync(dir, { recursive: true, force: true });
