import assert from "node:assert/strict";
import type { RemotingServer } from "../../src/surface.ts";
import { asyncCall, deferred, rejectionOf, sleep, within } from "../helpers/promises.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const SLOW = 11;
const NEVER = 12;

/** A server whose SLOW processor answers `remark` after `workMs`; `started` resolves when it begins. */
async function slowServer(h: ScenarioHarness, shutdownTimeoutMs: number, workMs: number, remark: string): Promise<{ server: RemotingServer; started: Promise<void> }> {
  const started = deferred();
  const server = await h.server({ shutdownTimeoutMs }, (s) =>
    s.registerProcessor(SLOW, async () => {
      started.resolve();
      await sleep(workMs);
      return h.lib.createResponse(0, remark);
    }),
  );
  return { server, started: started.promise };
}

// shutdown() is graceful, idempotent and always settles; in-flight work may
// finish within shutdownTimeoutMs, what is left then fails clearly; a process that shut down its
// endpoints exits by itself.
export const shutdown = group("start and shutdown", (scenario) => {
  scenario("start() resolves once listening; a port in use makes start() reject", async (h) => {
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
    assert.ok(server.port > 0);
    assert.equal((await h.client().invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000)).code, 0);
    const clash = h.newServer({ port: server.port });
    assert.ok((await rejectionOf(clash.start())) instanceof Error);
  });

  scenario("server: an in-flight request that finishes within shutdownTimeoutMs is answered; new connections are refused", async (h) => {
    const { server, started } = await slowServer(h, 3000, 150, "finished during shutdown");
    const call = h.client().invokeSync(h.addrOf(server), h.lib.createRequest(SLOW), 3000);
    await started;
    const stopping = server.shutdown();
    assert.equal(server.shutdown(), stopping);
    assert.ok((await rejectionOf(h.client().invokeSync(h.addrOf(server), h.lib.createRequest(SLOW), 1000))) instanceof h.lib.RemotingConnectError);
    assert.equal((await call).remark, "finished during shutdown");
    await within(stopping, 2000, "shutdown");
  });

  scenario("server: a processor that starts the shutdown itself still has its answer sent, sync or async", async (h) => {
    for (const async of [false, true]) {
      let stopping: Promise<void> | null = null;
      const server = await h.server({ shutdownTimeoutMs: 3000 }, (s) =>
        s.registerProcessor(SLOW, (_ctx, request) => {
          stopping = s.shutdown(); // an "admin: stop" request, answered before the server goes
          const answer = h.lib.createResponse(0, `bye ${request.opaque}`);
          return async ? sleep(50).then(() => answer) : answer;
        }),
      );
      const request = h.lib.createRequest(SLOW);
      assert.equal((await h.client().invokeSync(h.addrOf(server), request, 3000)).remark, `bye ${request.opaque}`, async ? "async" : "sync");
      await within(stopping!, 2000, "shutdown");
    }
  });

  scenario("server: a request that outlasts shutdownTimeoutMs fails clearly, and shutdown settles on time", async (h) => {
    const { server, started } = await slowServer(h, 100, 2000, "too late");
    const call = rejectionOf(h.client().invokeSync(h.addrOf(server), h.lib.createRequest(SLOW), 10_000));
    await started;
    const t0 = performance.now();
    await within(server.shutdown(), 1500, "server shutdown");
    assert.ok(performance.now() - t0 >= 90);
    const error = await within(call, 1000, "the in-flight call");
    assert.ok(error instanceof h.lib.RemotingError, String(error));
    assert.match(error.message, /clos|shut/i);
  });

  scenario("client: pending calls fail after shutdownTimeoutMs, calls after shutdown fail with a RemotingError", async (h) => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, () => null);
    });
    const client = h.client({ shutdownTimeoutMs: 100 });
    await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000);
    const pending = asyncCall((cb) => client.invokeAsync(h.addrOf(server), h.lib.createRequest(NEVER), 60_000, cb));
    const pendingSync = rejectionOf(client.invokeSync(h.addrOf(server), h.lib.createRequest(NEVER), 60_000));
    const t0 = performance.now();
    await within(client.shutdown(), 1500, "client shutdown");
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 90 && elapsed < 1500, `shutdown took ${elapsed.toFixed(0)} ms for a shutdownTimeoutMs of 100`);
    assert.ok((await within(pending.done, 500)).error instanceof h.lib.RemotingError);
    assert.ok((await within(pendingSync, 500)) instanceof h.lib.RemotingError);
    assert.equal(pending.calls(), 1);
    assert.ok((await rejectionOf(client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 1000))) instanceof h.lib.RemotingError);
    await client.shutdown();
  });

  for (const variant of ["basic", "pending", "failures"]) {
    scenario(`a process that shut down its server and client exits by itself (${variant})`, async (h) => {
      const t0 = performance.now();
      const result = await h.runPeer(["exit-after-shutdown", variant], 8000);
      assert.deepEqual({ killed: result.killed, code: result.code, stderr: result.stderr.slice(0, 500) }, { killed: false, code: 0, stderr: "" });
      assert.equal(result.stdout.trim(), `done ${variant}`);
      assert.ok(performance.now() - t0 < 6000);
    }, 12_000);
  }
});
