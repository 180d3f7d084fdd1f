import { describe, expect, test } from "bun:test";
import { unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NameServerLite } from "../../examples/namesrv-lite.ts";
import { createRegisterBrokerRequest, silentLogger, type RegisterBrokerBody } from "../../src/index.ts";
import { unusedPort, HOST, useHarness, within } from "../helpers/harness.ts";

/*
 * The CLI end to end: spawned through its launcher (bin/bun-remoting.js) as a user runs it, against
 * its own echo server and against the example NameServer.
 */

const h = useHarness();
const root = join(import.meta.dir, "../..");
const launcher = join(root, "bin/bun-remoting.js");
const bun = process.execPath;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], runtime: string = bun): Promise<Run> {
  const child = Bun.spawn([runtime, launcher, ...args], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await within(Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]), 20_000, `bun-remoting ${args.join(" ")}`);
  return { code, stdout, stderr };
}

/** Starts `bun-remoting serve` on a free port; stopped with SIGINT after the test. */
async function serve(extra: string[] = []): Promise<{ addr: string; stop: () => Promise<Run> }> {
  const child = Bun.spawn([bun, launcher, "serve", "--port", "0", ...extra], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const reader = child.stdout.getReader();
  let text = "";
  const port = await within(
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`serve exited: ${text}`);
        text += new TextDecoder().decode(value);
        const match = text.match(/listening on 127\.0\.0\.1:(\d+)/);
        if (match) return match[1]!;
      }
    })(),
    10_000,
    "serve to listen",
  );
  let stopped: Promise<Run> | null = null;
  const stop = (): Promise<Run> =>
    (stopped ??= (async () => {
      child.kill("SIGINT");
      const rest = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return text;
          text += new TextDecoder().decode(value);
        }
      })();
      const [stdout, stderr, code] = await within(Promise.all([rest, new Response(child.stderr).text(), child.exited]), 10_000, "serve to stop");
      return { code, stdout, stderr };
    })());
  h.defer(() => stop().catch(() => child.kill("SIGKILL")));
  return { addr: `${HOST}:${port}`, stop };
}

describe("bun-remoting CLI", () => {
  test("--help lists the commands; each command has its own help; mistakes exit 2 with the usage", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["ping <host:port>", "call <host:port>", "serve", "bench"]) expect(help.stdout).toContain(command);
    for (const command of ["ping", "call", "serve", "bench"]) {
      const r = await cli([command, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith(`Usage: bun-remoting ${command}`);
    }
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const bad = await cli(["call", "127.0.0.1:1", "--code", "NO_SUCH_CODE"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--code must be an integer');
    expect((await cli(["ping", "nohostport"])).stderr).toContain('invalid address "nohostport"');
  }, 60_000);

  test("serve + ping: replies with round-trip times and the ping summary; SIGINT stops serve with its stats", async () => {
    const server = await serve();
    const r = await cli(["ping", server.addr, "-c", "3", "-i", "10", "--code", "10"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`PING ${server.addr} with request code 10`);
    expect(r.stdout.match(/reply from .*: seq=\d code=0 \(SUCCESS\) time=\d+\.\d{3} ms/g)?.length).toBe(3);
    expect(r.stdout).toContain("3 requests, 3 replies, 0% loss");
    expect(r.stdout).toMatch(/rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/);
    const stopped = await server.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain("stopping; connections 0, requests 3, errors 0");
  }, 60_000);

  test("ping with no server: every request fails, exit 1", async () => {
    const r = await cli(["ping", `${HOST}:${await unusedPort()}`, "-c", "2", "-i", "10", "--timeout", "500"]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/no reply for seq=\d: connect to .* failed/g)?.length).toBe(2);
    expect(r.stdout).toContain("2 requests, 0 replies, 100% loss");
  }, 30_000);

  test("call: extFields and a body from a file come back decoded (text and --output json)", async () => {
    const server = await serve();
    const file = join(tmpdir(), `bun-remoting-cli-${process.pid}.json`);
    writeFileSync(file, '{"brokerAddrs":{0:"10.0.0.1:10911"}}'); // fastjson's bare keys
    h.defer(() => unlinkSync(file));
    const text = await cli(["call", server.addr, "--code", "10", "--ext", "topic=TopicTest", "--ext", "a=b=c", "--body", `@${file}`, "--type", "rocketmq"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("code       0 (SUCCESS)");
    expect(text.stdout).toMatch(/remark {5}Hi 127\.0\.0\.1:\d+/);
    expect(text.stdout).toContain("header     ROCKETMQ");
    expect(text.stdout).toContain("  a = b=c\n  topic = TopicTest");
    expect(text.stdout).toContain('body       36 bytes, JSON\n{\n  "brokerAddrs": {\n    "0": "10.0.0.1:10911"\n  }\n}');

    const json = await cli(["call", server.addr, "--code", "HEART_BEAT", "--body", "hello", "--output", "json"]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ code: 0, codeName: "SUCCESS", serializeType: "JSON", body: { bytes: 5, kind: "text", value: "hello" } });

    const oneway = await cli(["call", server.addr, "--code", "10", "--oneway"]);
    expect(oneway).toMatchObject({ code: 0, stdout: `oneway request sent to ${server.addr}\n` });
  }, 60_000);

  test("call against the example NameServer: route data, cluster info, a missing topic (exit 1), a dead address (exit 2)", async () => {
    const namesrv = new NameServerLite({ host: HOST, port: 0, logger: silentLogger, shutdownTimeoutMs: 200 });
    h.defer(() => namesrv.shutdown());
    await namesrv.start();
    const addr = `${HOST}:${namesrv.port}`;
    const body: RegisterBrokerBody = {
      topicConfigSerializeWrapper: {
        topicConfigTable: { TopicTest: { topicName: "TopicTest", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: "SINGLE_TAG", topicSysFlag: 0, order: false } },
        dataVersion: { timestamp: 1, counter: 1 },
      },
      filterServerList: [],
    };
    const broker = h.client();
    await broker.invokeSync(addr, createRegisterBrokerRequest({ brokerName: "broker-a", brokerAddr: "10.0.0.1:10911", clusterName: "DefaultCluster", haServerAddr: "10.0.0.1:10912", brokerId: 0n }, body), 3000);

    const route = await cli(["call", addr, "--code", "GET_ROUTEINFO_BY_TOPIC", "--ext", "topic=TopicTest", "--output", "json"]);
    expect(route.code).toBe(0);
    expect(JSON.parse(route.stdout).body.value).toEqual({
      brokerDatas: [{ brokerAddrs: { "0": "10.0.0.1:10911" }, brokerName: "broker-a", cluster: "DefaultCluster", enableActingMaster: false }],
      filterServerTable: {},
      queueDatas: [{ brokerName: "broker-a", perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 }],
    });
    const cluster = await cli(["call", addr, "--code", "106"]);
    expect(cluster.code).toBe(0);
    expect(cluster.stdout).toContain('"clusterAddrTable": {\n    "DefaultCluster": [\n      "broker-a"');

    const missing = await cli(["call", addr, "--code", "GET_ROUTEINFO_BY_TOPIC", "--ext", "topic=Nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("code       17 (TOPIC_NOT_EXIST)");
    expect(missing.stdout).toContain("remark     No topic route info in name server for the topic: Nope");

    const dead = await cli(["call", `${HOST}:${await unusedPort()}`, "--code", "106", "--timeout", "500"]);
    expect(dead.code).toBe(2);
    expect(dead.stderr).toMatch(/^bun-remoting: connect to 127\.0\.0\.1:\d+ failed \(ERR_REMOTING_CONNECT\)\n$/);
  }, 60_000);

  test("the launcher under Node runs the CLI with Bun and passes the exit status on", async () => {
    const which = Bun.which("node");
    if (which === null) throw new Error("node is not installed; the launcher's Node path cannot be checked");
    const help = await cli(["--help"], which);
    expect(help.code).toBe(0);
    expect(help.stdout).toStartWith("Usage: bun-remoting <command>");
    expect((await cli(["nope"], which)).code).toBe(2);
  }, 30_000);
});
