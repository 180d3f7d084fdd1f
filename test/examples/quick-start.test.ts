import { expect, test } from "bun:test";
import { join } from "node:path";
import { createResponse, RemotingServer, silentLogger } from "../../src/index.ts";
import { within } from "../helpers/harness.ts";

const root = join(import.meta.dir, "../..");
const bun = process.execPath;

/** Reads a child's stdout until `pattern` matches; returns the match. */
async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<RegExpMatchArray> {
  const reader = stream.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`output ended without ${pattern}: ${text}`);
    text += new TextDecoder().decode(value);
    const match = text.match(pattern);
    if (match !== null) {
      reader.releaseLock();
      return match;
    }
  }
}

test("examples/echo-server.ts and echo-client.ts: the quick start runs as written, and SIGINT shuts the server down", async () => {
  const server = Bun.spawn([bun, "examples/echo-server.ts"], { cwd: root, env: { ...process.env, PORT: "0" }, stdout: "pipe", stderr: "pipe" });
  try {
    const [, port] = await within(readUntil(server.stdout, /listening on 127\.0\.0\.1:(\d+)/), 10_000, "the echo server to listen");
    const client = Bun.spawn([bun, "examples/echo-client.ts", `127.0.0.1:${port}`], { cwd: root, stdout: "pipe", stderr: "pipe" });
    const [out, exitCode] = await within(Promise.all([new Response(client.stdout).text(), client.exited]), 10_000, "the echo client");
    expect(exitCode).toBe(0);
    expect(out).toMatch(/^0 Hi 127\.0\.0\.1:\d+ \{\s+hello: "world",\s+\} ping\n/);
    expect(out).toContain("latency (ms):");
    expect(out).toContain("count: 1");
    server.kill("SIGINT");
    expect(await within(server.exited, 10_000, "the echo server to exit")).toBe(0);
  } finally {
    server.kill();
  }
}, 30_000);

test("examples/echo-client.ts: an answer without a body is printed as such", async () => {
  await using server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger });
  server.registerProcessor(10, () => createResponse(0, "no body here"));
  await server.start();
  const client = Bun.spawn([bun, "examples/echo-client.ts", `127.0.0.1:${server.port}`], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [out, err, exitCode] = await within(Promise.all([new Response(client.stdout).text(), new Response(client.stderr).text(), client.exited]), 10_000, "the echo client");
  expect({ exitCode, err }).toEqual({ exitCode: 0, err: "" });
  expect(out).toStartWith("0 no body here null (no body)\n");
}, 30_000);

test("examples/orders-service.ts --lite: an order posted over HTTP is published and billed by the consumer loop; SIGINT stops everything", async () => {
  const service = Bun.spawn([bun, "examples/orders-service.ts", "--lite"], { cwd: root, env: { ...process.env, PORT: "0" }, stdout: "pipe", stderr: "pipe" });
  try {
    const [, port] = await within(readUntil(service.stdout, /POST http:\/\/localhost:(\d+)\/orders/), 10_000, "the service to listen");
    const answer = (await (await fetch(`http://localhost:${port}/orders`, { method: "POST", body: JSON.stringify({ item: "book", amount: 12 }) })).json()) as { msgId: string };
    expect(answer.msgId).toMatch(/^[0-9A-F]{32}$/);
    await within(readUntil(service.stdout, new RegExp(`billed 12 for book \\(${answer.msgId}, try 1\\)`)), 10_000, "the order to be billed");
    service.kill("SIGINT");
    expect(await within(service.exited, 10_000, "the service to exit")).toBe(0);
  } finally {
    service.kill();
  }
}, 30_000);
