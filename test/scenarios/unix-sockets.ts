import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCALHOST_CERT, LOCALHOST_KEY } from "../fixtures/tls-localhost.ts";
import { rejectionOf } from "../helpers/promises.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 10;

/** A fresh directory for socket files, removed after the scenario. */
function socketDir(h: ScenarioHarness): string {
  const dir = mkdtempSync(join(tmpdir(), "bun-remoting-unix-"));
  h.defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A socket file that nobody listens on any more, as a process killed while listening leaves it. */
async function staleSocket(path: string): Promise<void> {
  const script = `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`;
  const child = spawn(process.execPath, ["-e", script], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
}

// Unix domain sockets: "unix:/path" wherever an address is accepted, on every transport.
export const unixSockets = group("unix domain sockets", (scenario) => {
  scenario("a server on a unix socket serves calls to unix:<path>, sync, async and large; the file goes away on shutdown", async (h) => {
    const path = join(socketDir(h), "remoting.sock");
    const server = await h.server({ unix: path }, (s) => s.registerProcessor(ECHO, h.echo));
    assert.equal(server.address, `unix:${path}`);
    assert.equal(server.port, 0);
    const client = h.client();
    const body = new Uint8Array(3 * 1024 * 1024).map((_, i) => i * 7);
    const answer = await client.invokeSync(`unix:${path}`, h.lib.createRequest(ECHO, { body }), 5000);
    assert.equal(answer.code, 0);
    assert.equal(Buffer.compare(answer.body!, body), 0);
    assert.equal(answer.remark, `Hi unix:${path}`); // processors see the socket as the peer's address
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => client.invokeSync(`unix:${path}`, h.lib.createRequest(ECHO, { extFields: { i: String(i) } }), 5000)));
    assert.deepEqual(answers.map((a) => a.extFields?.i), Array.from({ length: 200 }, (_, i) => String(i)));
    assert.ok(existsSync(path));
    await server.shutdown();
    assert.ok(!existsSync(path));
  });

  scenario("name-server lists take unix:<path> addresses", async (h) => {
    const path = join(socketDir(h), "namesrv.sock");
    await h.server({ unix: path }, (s) => s.registerProcessor(ECHO, h.echo));
    const client = h.client();
    client.updateNameServerAddressList([`unix:${path}`]);
    assert.equal((await client.invokeSync(null, h.lib.createRequest(ECHO), 3000)).code, 0);
    assert.throws(() => client.updateNameServerAddressList(["unix:"]), TypeError);
  });

  scenario("TLS over a unix socket (the server tells TLS from plaintext by the first byte, as on TCP)", async (h) => {
    const path = join(socketDir(h), "tls.sock");
    await h.server({ unix: path, tls: { key: LOCALHOST_KEY, cert: LOCALHOST_CERT } }, (s) => s.registerProcessor(ECHO, h.echo));
    const secure = h.client({ useTLS: true, tls: { ca: LOCALHOST_CERT, serverName: "localhost" } });
    const plain = h.client();
    for (const client of [secure, plain]) assert.equal((await client.invokeSync(`unix:${path}`, h.lib.createRequest(ECHO, { body: new Uint8Array(100_000) }), 5000)).code, 0);
  });

  scenario("a stale socket file is replaced; a live one, or a file that is not a socket, fails start() with ERR_REMOTING_LISTEN", async (h) => {
    const dir = socketDir(h);
    const stale = join(dir, "stale.sock");
    await staleSocket(stale);
    assert.ok(existsSync(stale));
    const server = await h.server({ unix: stale }, (s) => s.registerProcessor(ECHO, h.echo));
    assert.equal((await h.client().invokeSync(`unix:${stale}`, h.lib.createRequest(ECHO), 3000)).code, 0);

    const busy = await rejectionOf(h.newServer({ unix: stale }).start());
    assert.ok(busy instanceof h.lib.RemotingListenError, String(busy));
    assert.equal(busy.code, "ERR_REMOTING_LISTEN");
    assert.ok(busy.message.includes(`unix:${stale}`) && busy.message.includes("EADDRINUSE"), busy.message);
    assert.equal((await h.client().invokeSync(`unix:${stale}`, h.lib.createRequest(ECHO), 3000)).code, 0); // the first server is untouched
    await server.shutdown();

    const notASocket = join(dir, "data.txt");
    writeFileSync(notASocket, "keep me");
    const refused = await rejectionOf(h.newServer({ unix: notASocket }).start());
    assert.ok(refused instanceof h.lib.RemotingListenError && refused.message.includes("EEXIST"), refused.message);
    assert.ok(existsSync(notASocket)); // never deleted
  });

  scenario("host or port together with unix is a TypeError naming the options; a missing socket is a connect error", async (h) => {
    assert.throws(() => h.newServer({ unix: "/tmp/x.sock", port: 9876 }), /option "unix" listens on a socket file; it cannot be given with "host" or "port"/);
    const error = await rejectionOf(h.client().invokeSync(`unix:${join(socketDir(h), "nobody.sock")}`, h.lib.createRequest(ECHO), 2000));
    assert.ok(error instanceof h.lib.RemotingConnectError, String(error));
  });
});
