import { describe, expect, test } from "bun:test";
import * as net from "node:net";
import { join } from "node:path";
import { silentLogger } from "../../src/index.ts";
import { Producer } from "../../src/rocketmq/index.ts";
import { within } from "../helpers/harness.ts";

/* `bun-remoting lite` spawned through the launcher, as a user runs it: a producer's sends go through it. */

const root = join(import.meta.dir, "../..");
const launcher = join(root, "bin/bun-remoting.js");

/** Starts `bun-remoting lite` with `args`; resolves with its stdout up to "ready", or the whole run if it exited first. */
function startLite(args: string[]) {
  const child = Bun.spawn([process.execPath, launcher, "lite", ...args], { cwd: root, env: { ...process.env, npm_execpath: "" }, stdout: "pipe", stderr: "pipe" });
  const reader = child.stdout.getReader();
  let stdout = "";
  const ready = within(
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return { ready: false, stdout };
        stdout += new TextDecoder().decode(value);
        if (stdout.includes("ready\n")) return { ready: true, stdout };
      }
    })(),
    15_000,
    "bun-remoting lite to be ready",
  );
  return { child, ready };
}

describe("bun-remoting lite", () => {
  test("prints both addresses and ready; a producer's sends are stored; Ctrl-C exits 0", async () => {
    const { child, ready } = startLite(["--namesrv-port", "0", "--broker-port", "0", "--broker-name", "broker-t", "--max-messages", "100"]);
    try {
      const started = await ready;
      expect(started.ready).toBe(true);
      const nameServer = started.stdout.match(/^name server (\S+)$/m)![1]!;
      expect(started.stdout).toMatch(/^broker broker-t 127\.0\.0\.1:\d+$/m);
      const producer = new Producer({ nameServers: [nameServer], group: "cli-test", logger: silentLogger });
      await producer.start();
      const results = [];
      for (let i = 0; i < 10; i++) results.push(await producer.send({ topic: "CliTopic", body: `m${i}` }));
      await producer.shutdown();
      expect(results.every((r) => r.status === "SEND_OK" && r.queue.brokerName === "broker-t")).toBe(true);
    } finally {
      child.kill("SIGINT");
    }
    expect(await within(child.exited, 10_000, "lite to exit")).toBe(0);
  });

  test("a taken port: one line saying which, exit 2; bad options: exit 2", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { child } = startLite(["--namesrv-port", String(port)]);
      const [stderr, code] = await within(Promise.all([new Response(child.stderr).text(), child.exited]), 15_000, "lite on a taken port");
      expect(code).toBe(2);
      expect(stderr).toContain(`127.0.0.1:${port}`);
      expect(stderr.trim().split("\n").length).toBe(1);
    } finally {
      blocker.close();
    }
    const { child } = startLite(["--max-messages", "0"]);
    const [stderr, code] = await within(Promise.all([new Response(child.stderr).text(), child.exited]), 15_000, "lite with bad options");
    expect(code).toBe(2);
    expect(stderr).toContain("--max-messages must be an integer from 1");
  });
});
