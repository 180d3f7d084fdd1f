import assert from "node:assert/strict";
import type { RemotingChannel } from "../../src/surface.ts";
import { asyncCall, deferred, rejectionOf, waitFor } from "../helpers/promises.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const NEVER = 12;
const LATE = 13;
/** A deadline is never observed early: it starts from a clock read at the end of the turn that made the call. */
const EARLY_SLACK_MS = 0;
/** Generous bound on lateness, so a busy machine does not make the suite flaky. */
const LATE_BOUND_MS = 500;

function assertOnTime(elapsed: number, timeoutMs: number): void {
  assert.ok(elapsed >= timeoutMs - EARLY_SLACK_MS && elapsed < timeoutMs + LATE_BOUND_MS, `settled after ${elapsed.toFixed(1)} ms for a ${timeoutMs} ms timeout`);
}

// A call with no answer fails with RemotingTimeoutError at its deadline,
// which starts at invoke; late answers are dropped.
export const timeouts = group("timeouts", (scenario) => {
  scenario("invokeSync: RemotingTimeoutError with Java's message, on time", async (h) => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, () => null);
    });
    const client = h.client({ scanIntervalMs: 20 });
    await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000); // connected
    const t0 = performance.now();
    const error = await rejectionOf(client.invokeSync(h.addrOf(server), h.lib.createRequest(NEVER), 120));
    assert.ok(error instanceof h.lib.RemotingTimeoutError, String(error));
    assert.equal(error.code, "ERR_REMOTING_TIMEOUT");
    assert.equal(error.timeoutMs, 120);
    assert.equal(error.message, `wait response on the channel ${h.addrOf(server)} timeout, 120(ms)`);
    assertOnTime(performance.now() - t0, 120);
  });

  scenario("invokeAsync: one callback with RemotingTimeoutError, on time, behind a longer deadline and with the default 1 s scan", async (h) => {
    const server = await h.server({}, (s) => s.registerProcessor(NEVER, () => null));
    const client = h.client();
    const long = asyncCall((cb) => client.invokeAsync(h.addrOf(server), h.lib.createRequest(NEVER), 5000, cb));
    const short = asyncCall((cb) => client.invokeAsync(h.addrOf(server), h.lib.createRequest(NEVER), 80, cb));
    const { error, response, at } = await short.done;
    assert.ok(error instanceof h.lib.RemotingTimeoutError);
    assert.equal(response, undefined);
    assertOnTime(at - short.startedAt, 80);
    // A later scan that times out another call has been past the short one again: no second callback.
    const probe = asyncCall((cb) => client.invokeAsync(h.addrOf(server), h.lib.createRequest(NEVER), 30, cb));
    await probe.done;
    assert.equal(short.calls(), 1);
    assert.equal(long.calls(), 0);
  });

  scenario("a raw server that accepts but never answers: the call fails at its timeout counted from invoke", async (h) => {
    const raw = await h.rawServer();
    const client = h.client({ scanIntervalMs: 20 });
    const t0 = performance.now();
    const error = await rejectionOf(client.invokeSync(`127.0.0.1:${raw.port}`, h.lib.createRequest(NEVER), 150));
    assert.ok(error instanceof h.lib.RemotingTimeoutError);
    assertOnTime(performance.now() - t0, 150);
    assert.equal(raw.connections[0]?.frames.length, 1);
  });

  scenario("late responses are dropped; the connection and later calls are unaffected", async (h) => {
    const release: (() => void)[] = [];
    let connects = 0;
    const server = await h.server({}, (s) => {
      s.setChannelEventListener({ onChannelConnect: () => connects++ });
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(LATE, (ctx, req) => {
        release.push(() => ctx.writeResponse(req, h.lib.createResponse(0, "late")));
        return null;
      });
    });
    const client = h.client({ scanIntervalMs: 20 });
    const late = asyncCall((cb) => client.invokeAsync(h.addrOf(server), h.lib.createRequest(LATE), 60, cb));
    assert.ok((await late.done).error instanceof h.lib.RemotingTimeoutError);
    for (const r of release) r();
    const after = await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { n: "after" } }), 3000);
    assert.deepEqual(after.extFields, { n: "after" });
    assert.equal(late.calls(), 1);
    assert.equal(connects, 1, "the late answer did not cost the connection");
  });

  scenario("server -> client calls time out too", async (h) => {
    const channel = deferred<RemotingChannel>();
    const server = await h.server({ scanIntervalMs: 20 }, (s) => s.registerProcessor(ECHO, (ctx, req) => (channel.resolve(ctx.channel), h.echo(ctx, req))));
    const client = h.client();
    client.registerProcessor(NEVER, () => null);
    await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000);
    const ch = await channel.promise;
    const t0 = performance.now();
    assert.ok((await rejectionOf(server.invokeSync(ch, h.lib.createRequest(NEVER), 100))) instanceof h.lib.RemotingTimeoutError);
    assertOnTime(performance.now() - t0, 100);
  });

  scenario("an invokeSync timeout closes the connection (5.1.4+ rule); the next call opens a new one", async (h) => {
    let connects = 0;
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, () => null);
      s.setChannelEventListener({ onChannelConnect: () => connects++ });
    });
    const client = h.client({ scanIntervalMs: 20 });
    await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000);
    assert.ok((await rejectionOf(client.invokeSync(h.addrOf(server), h.lib.createRequest(NEVER), 300))) instanceof h.lib.RemotingTimeoutError);
    assert.equal((await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000)).code, 0);
    await waitFor(() => connects === 2, "the second connection's CONNECT event");
  });
});
