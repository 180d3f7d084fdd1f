import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NameServerLite } from "../../src/lite/index.ts";
import { silentLogger } from "../../src/index.ts";
import { createRegisterBrokerRequest, type RegisterBrokerBody } from "../../src/rocketmq/index.ts";
import { buildPackage } from "../helpers/built-package.ts";
import { unusedPort, HOST, useHarness, within } from "../helpers/harness.ts";

/*
 * The CLI end to end: spawned through its launcher (bin/bun-remoting.js) as a user runs it, against
 * its own echo server and against the example NameServer.
 */

const h = useHarness();
const root = join(import.meta.dir, "../..");
const launcher = join(root, "bin/bun-remoting.js");
const bun = process.execPath;

function nodeExe(): string {
  const node = Bun.which("node");
  if (node === null) throw new Error("node is not installed; the Node build of the CLI cannot be checked");
  return node;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], runtime: string = bun, env: Record<string, string | undefined> = { ...process.env, npm_execpath: "" }): Promise<Run> {
  const child = Bun.spawn([runtime, launcher, ...args], { cwd: root, env, stdout: "pipe", stderr: "pipe" });
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
  test("--help lists the commands; each command has its own help", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["ping <host:port>", "call <host:port>", "serve", "bench"]) expect(help.stdout).toContain(command);
    for (const command of ["ping", "call", "serve", "bench"]) {
      const r = await cli([command, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith(`Usage: bun-remoting ${command}`);
    }
  }, 60_000);

  // Every failure: exactly one line on stderr naming it (and the cause's code), exit status 2, the
  // same on both builds: Bun running the sources, Node running dist/.
  for (const runtime of ["bun", "node"] as const) {
    test(`${runtime}: every failure is one line with its cause and exit status 2`, async () => {
      if (runtime === "node") buildPackage();
      const exe = runtime === "bun" ? bun : nodeExe();
      const busy = net.createServer();
      await new Promise<void>((resolve) => busy.listen({ host: HOST, port: 0 }, resolve));
      h.defer(() => new Promise((resolve) => busy.close(resolve)));
      const busyPort = (busy.address() as net.AddressInfo).port; // also a peer that never answers
      // Picked while busy listens: a port freed first could be handed to busy, and "refused" would time out.
      const refused = `${HOST}:${await unusedPort()}`;
      const silent = `${HOST}:${busyPort}`;
      const cases: [string[], string | RegExp][] = [
        [["call", refused, "--code", "10"], `connect to ${refused} failed: connection refused (ECONNREFUSED)`],
        [["call", "nonexistent.invalid:9876", "--code", "10"], "connect to nonexistent.invalid:9876 failed: host not found (ENOTFOUND)"],
        [["serve", "--port", String(busyPort)], `cannot listen on ${HOST}:${busyPort}: address already in use (EADDRINUSE)`],
        [["call", silent, "--code", "10", "--timeout", "300"], `wait response on the channel ${silent} timeout, 300(ms) (ERR_REMOTING_TIMEOUT)`],
        [["call", refused, "--code", "NOT_A_CODE"], `--code must be a RequestCode name (e.g. GET_ROUTEINFO_BY_TOPIC) or an integer from -2147483648 to 2147483647, got "NOT_A_CODE"; see "bun-remoting call --help"`],
        [["ping", refused, "--code", "1.5"], `--code must be a RequestCode name (e.g. GET_ROUTEINFO_BY_TOPIC) or an integer from -2147483648 to 2147483647, got "1.5"; see "bun-remoting ping --help"`],
        [["call", refused], `missing --code; see "bun-remoting call --help"`],
        [["call", refused, "--code"], `--code needs a value; see "bun-remoting call --help"`],
        [["ping", refused, "--nope"], `unknown option --nope; see "bun-remoting ping --help"`],
        [["call", refused, "--code", "10", "--oneway=yes"], `--oneway takes no value, got "yes"; see "bun-remoting call --help"`],
        [["serve", "--port", "70000"], `--port must be an integer from 0 to 65535, got "70000"; see "bun-remoting serve --help"`],
        [["ping", "nohostport"], /^invalid address "nohostport": expected .+; see "bun-remoting ping --help"$/], // the core's wording
        [["call"], `missing host:port; see "bun-remoting call --help"`],
        [["frobnicate"], `unknown command "frobnicate"; see "bun-remoting --help"`],
        [[], `missing command; see "bun-remoting --help"`],
      ];
      for (const [args, line] of cases) {
        const r = await cli(args, exe);
        const expected = typeof line === "string" ? `bun-remoting: ${line}\n` : line.test(r.stderr.slice("bun-remoting: ".length, -1)) ? r.stderr : String(line);
        expect({ args, stderr: r.stderr, stdout: r.stdout, code: r.code }).toEqual({ args, stderr: expected, stdout: "", code: 2 });
      }
    }, 60_000);
  }

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
    expect(r.stdout.match(/no reply for seq=\d: connect to 127\.0\.0\.1:\d+ failed: connection refused \(ECONNREFUSED\)\n/g)?.length).toBe(2);
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
    expect(dead.stderr).toMatch(/^bun-remoting: connect to 127\.0\.0\.1:\d+ failed: connection refused \(ECONNREFUSED\)\n$/);
  }, 60_000);

  test("the launcher: Bun runs the sources; Node runs dist/, or the sources on Bun when Bun started it (bunx, bun run)", async () => {
    buildPackage();
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect((await cli(["--version"])).stdout).toBe(`bun-remoting ${version} on Bun ${Bun.version} (sources)\n`);
    const plain = { ...process.env, npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js" };
    expect((await cli(["--version"], nodeExe(), plain)).stdout).toMatch(new RegExp(`^bun-remoting ${version} on Node v[\\d.]+ \\(dist\\)\\n$`));
    const viaBunx = { ...process.env, npm_execpath: bun };
    const r = await cli(["--version"], nodeExe(), viaBunx);
    expect(r.stdout).toBe(`bun-remoting ${version} on Bun ${Bun.version} (sources)\n`);
    expect((await cli(["frobnicate"], nodeExe(), viaBunx)).code).toBe(2); // the exit status is passed on
    // bunx as the npm package installs it, a link named bunx(.exe) beside bun(.exe): the bun beside it runs the sources.
    const links = mkdtempSync(join(tmpdir(), "bun-remoting-bunx-"));
    h.defer(() => rmSync(links, { recursive: true, force: true }));
    for (const name of ["bun.exe", "bunx.exe"]) symlinkSync(bun, join(links, name));
    const viaNpmBunx = { ...process.env, npm_execpath: join(links, "bunx.exe") };
    expect((await cli(["--version"], nodeExe(), viaNpmBunx)).stdout).toBe(`bun-remoting ${version} on Bun ${Bun.version} (sources)\n`);
  }, 30_000);

  test("bench is offered only where the suite is: an installed package says where to get it", async () => {
    const copy = mkdtempSync(join(tmpdir(), "bun-remoting-installed-"));
    h.defer(() => rmSync(copy, { recursive: true, force: true }));
    for (const part of ["package.json", "bin", "src"]) cpSync(join(root, part), join(copy, part), { recursive: true });
    const run = (args: string[]) => within(
      (async () => {
        const child = Bun.spawn([bun, join(copy, "bin/bun-remoting.js"), ...args], { cwd: copy, stdout: "pipe", stderr: "pipe" });
        const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
        return { code, stdout, stderr };
      })(),
      20_000,
      `installed bun-remoting ${args.join(" ")}`,
    );
    expect((await run(["--help"])).stdout).not.toContain("bench");
    expect(await run(["bench"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "bun-remoting: bench runs the benchmark suite of a source checkout, which an installed package does not include; clone https://github.com/bun-remoting/bun-remoting, then npm install and npm run bench\n",
    });
  }, 30_000);
});
