import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RemotingCommand } from "../../src/surface.ts";
import { deferred, rejectionOf, waitFor } from "../helpers/promises.ts";
import { group } from "./scenario.ts";

const MAIN_ONLY = 10;
const SHARED = 11;
const CALL_BACK = 12;
const NOT_SUPPORTED = 3;

// Several ports on one server (Java 5's newRemotingServer): own processors per port; executors,
// hooks, events, stats, limits and shutdown shared.
export const subServers = group("sub-servers (several ports)", (scenario) => {
  scenario("each port answers with its own processors; a code only the main port knows is REQUEST_CODE_NOT_SUPPORTED on the sub-server, as in Java", async (h) => {
    const hooked: string[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(MAIN_ONLY, () => h.lib.createResponse(0, "main only"));
      s.registerProcessor(SHARED, () => h.lib.createResponse(0, "main"));
      s.registerRPCHook({ doBeforeRequest: (_a, r) => void hooked.push(`before ${r.code}`), doAfterResponse: () => {} });
    });
    const sub = server.newRemotingServer(0);
    sub.registerProcessor(SHARED, (ctx) => h.lib.createResponse(0, `sub from ${ctx.remoteAddress}`));
    await sub.start();
    assert.notEqual(sub.port, server.port);
    const client = h.client();
    const subAddr = `127.0.0.1:${sub.port}`;
    assert.equal((await client.invokeSync(h.addrOf(server), h.lib.createRequest(SHARED), 3000)).remark, "main");
    assert.match((await client.invokeSync(subAddr, h.lib.createRequest(SHARED), 3000)).remark!, /^sub from 127\.0\.0\.1:\d+$/);
    const unknown = await client.invokeSync(subAddr, h.lib.createRequest(MAIN_ONLY), 3000);
    assert.equal(unknown.code, NOT_SUPPORTED);
    assert.deepEqual(hooked, [`before ${SHARED}`, `before ${SHARED}`]); // hooks are the server's, on every port
    assert.equal(server.stats.connections, 2); // stats too
    assert.equal(server.stats.served.byCode[String(SHARED)]!.requests, 2);
  });

  scenario("an executor registered only on a sub-server counts in the server's stats", async (h) => {
    const server = await h.server();
    const sub = server.newRemotingServer(0);
    const release = deferred();
    const own = new h.lib.EventLoopExecutor({ maxInFlight: 4, maxQueued: 4 });
    sub.registerProcessor(SHARED, async () => (await release.promise, h.lib.createResponse(0, "sub")), own);
    await sub.start();
    const call = h.client().invokeSync(sub.address, h.lib.createRequest(SHARED), 3000);
    await waitFor(() => server.stats.inFlight === 1, "the sub-server's processor to count as in flight");
    release.resolve();
    assert.equal((await call).remark, "sub");
    await waitFor(() => server.stats.inFlight === 0, "nothing in flight");
  });

  scenario("inheritProcessors: codes the sub-server does not serve fall back to the main server's processors", async (h) => {
    const server = await h.server({}, (s) => s.registerProcessor(MAIN_ONLY, () => h.lib.createResponse(0, "main only")));
    const sub = server.newRemotingServer({ port: 0, inheritProcessors: true });
    sub.registerProcessor(SHARED, () => h.lib.createResponse(0, "sub"));
    await sub.start();
    const client = h.client();
    assert.equal((await client.invokeSync(sub.address, h.lib.createRequest(MAIN_ONLY), 3000)).remark, "main only");
    assert.equal((await client.invokeSync(sub.address, h.lib.createRequest(SHARED), 3000)).remark, "sub");
  });

  scenario("the server calls a sub-server's client back on its channel; sub.close() closes only that port's connections", async (h) => {
    const server = await h.server({}, (s) => s.registerProcessor(SHARED, () => h.lib.createResponse(0, "main")));
    const sub = server.newRemotingServer(0);
    sub.registerProcessor(CALL_BACK, async (ctx) => {
      const back: RemotingCommand = await server.invokeSync(ctx.channel, h.lib.createRequest(40), 3000);
      return h.lib.createResponse(0, `client said ${back.remark}`);
    });
    await sub.start();
    const client = h.client();
    client.registerProcessor(40, () => h.lib.createResponse(0, "hello"));
    assert.equal((await client.invokeSync(sub.address, h.lib.createRequest(CALL_BACK), 3000)).remark, "client said hello");
    assert.equal((await client.invokeSync(h.addrOf(server), h.lib.createRequest(SHARED), 3000)).code, 0);
    assert.equal(server.stats.connections, 2);
    sub.close();
    await waitFor(() => server.stats.connections === 1, "the sub-server's connection to close");
    assert.equal((await client.invokeSync(h.addrOf(server), h.lib.createRequest(SHARED), 3000)).code, 0); // the main port goes on
    const refused = await rejectionOf(h.client().invokeSync(sub.address, h.lib.createRequest(CALL_BACK), 1000));
    assert.ok(refused instanceof h.lib.RemotingConnectError, String(refused));
  });

  scenario("a sub-server on a unix socket; the server's shutdown closes every port", async (h) => {
    const dir = mkdtempSync(join(tmpdir(), "bun-remoting-sub-"));
    h.defer(() => rmSync(dir, { recursive: true, force: true }));
    const server = await h.server({}, (s) => s.registerProcessor(SHARED, () => h.lib.createResponse(0, "main")));
    const sub = server.newRemotingServer({ unix: join(dir, "admin.sock") });
    sub.registerDefaultProcessor(() => h.lib.createResponse(0, "admin"));
    await sub.start();
    assert.equal(sub.address, `unix:${join(dir, "admin.sock")}`);
    const client = h.client();
    assert.equal((await client.invokeSync(sub.address, h.lib.createRequest(99), 3000)).remark, "admin");
    await server.shutdown();
    assert.ok((await rejectionOf(h.client().invokeSync(sub.address, h.lib.createRequest(99), 1000))) instanceof h.lib.RemotingConnectError);
    assert.throws(() => server.newRemotingServer(0), /shutting down/);
  });

  scenario("one sub-server per address; bad options are TypeErrors naming them", async (h) => {
    const server = await h.server();
    const first = server.newRemotingServer(0);
    await first.start();
    server.newRemotingServer(first.port + 1);
    assert.throws(() => server.newRemotingServer(first.port + 1), /already used by another sub-server/);
    assert.throws(() => server.newRemotingServer({ port: -1 }), /option "port" must be an integer from 0 to 65535/);
    assert.throws(() => server.newRemotingServer({ unix: "/tmp/x.sock", port: 1 }), /cannot be given with "host" or "port"/);
    assert.throws(() => server.newRemotingServer({ port: 0, inheritProcessors: "yes" as never }), /inheritProcessors/);
    const taken = server.newRemotingServer(server.port);
    const error = await rejectionOf(taken.start());
    assert.ok(error instanceof h.lib.RemotingListenError && error.message.includes("EADDRINUSE"), String(error));
  });
});
