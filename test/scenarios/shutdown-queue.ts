import assert from "node:assert/strict";
import type { RemotingServer, RemotingServerOptions } from "../../src/surface.ts";
import { deferred, waitFor, within } from "../helpers/promises.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const HOLD = 11;
/** The first version that understands GO_AWAY (5.3.2 advertises more than 475). */
const GO_AWAY_VERSION = 479;
const OLD_VERSION = 317;

/** A server whose HOLD processor runs until `release` resolves; it counts starts, late starts and finishes. */
async function holdingServer(h: ScenarioHarness, options: RemotingServerOptions) {
  const release = deferred();
  const counts = { started: 0, finished: 0, startedAfterShutdownBegan: 0 };
  let shutdownBegan = false;
  const server = await h.server(options, (s) => {
    s.registerProcessor(ECHO, h.echo);
    s.registerProcessor(HOLD, async () => {
      counts.started++;
      if (shutdownBegan) counts.startedAfterShutdownBegan++;
      await release.promise;
      counts.finished++;
      return h.lib.createResponse(0, "done");
    });
  });
  h.defer(() => release.resolve()); // before the server's shutdown, should the scenario fail early
  const beginShutdown = (): Promise<void> => {
    shutdownBegan = true;
    return server.shutdown();
  };
  return { server, counts, release, beginShutdown };
}

/** Sends `n` HOLD requests (opaques 1..n, version by `version(i)`) in one write on a fresh raw connection. */
async function sendHolds(h: ScenarioHarness, server: RemotingServer, n: number, version: (i: number) => number = () => GO_AWAY_VERSION) {
  const raw = await h.rawClient(server.port);
  await raw.send(Buffer.concat(Array.from({ length: n }, (_, i) => h.lib.encodeFrame(h.lib.createRequest(HOLD, { opaque: i + 1, version: version(i + 1) })))));
  return raw;
}

// Issue 5 of the outside test: after shutdown() resolved, 3 976 queued processors still started (on
// closed connections), and requests of a client that had disconnected were still processed. Now:
// once shutdown() has begun no queued request starts; queued requests are answered SYSTEM_BUSY (or
// GO_AWAY to 5.3.2+ clients with goAwayOnShutdown) while their connection is open and dropped when
// it is not; requests of a closed connection never start (stats.droppedRequests).
export const shutdownQueue = group("shutdown and closed connections stop queued work", (scenario) => {
  scenario("once shutdown() began, queued requests are answered SYSTEM_BUSY and never start; running ones finish and are answered", async (h) => {
    const { server, counts, release, beginShutdown } = await holdingServer(h, { maxInFlightRequests: 2, shutdownTimeoutMs: 5000 });
    const raw = await sendHolds(h, server, 20);
    await waitFor(() => counts.started === 2 && server.stats.queued === 18, "2 requests running and 18 queued");
    const stopping = beginShutdown();
    const busy = await raw.waitForFrames(18, 2000);
    assert.deepEqual(busy.map((f) => f.opaque), Array.from({ length: 18 }, (_, i) => i + 3));
    assert.ok(busy.every((f) => f.code === h.lib.RemotingSysResponseCode.SYSTEM_BUSY), `codes ${[...new Set(busy.map((f) => f.code))]}`);
    release.resolve();
    const all = await raw.waitForFrames(20, 2000);
    assert.deepEqual(all.slice(18).map((f) => [f.opaque, f.code, f.remark]).sort(), [[1, 0, "done"], [2, 0, "done"]]);
    await within(stopping, 3000, "shutdown");
    assert.equal(counts.started, 2);
    assert.equal(counts.startedAfterShutdownBegan, 0);
  });

  scenario("goAwayOnShutdown: queued requests of 5.3.2+ clients are answered GO_AWAY, older ones SYSTEM_BUSY", async (h) => {
    const { server, counts, release, beginShutdown } = await holdingServer(h, { maxInFlightRequests: 2, shutdownTimeoutMs: 5000, goAwayOnShutdown: true });
    const raw = await sendHolds(h, server, 20, (i) => (i % 2 === 0 ? GO_AWAY_VERSION : OLD_VERSION));
    await waitFor(() => counts.started === 2 && server.stats.queued === 18, "2 requests running and 18 queued");
    const stopping = beginShutdown();
    const answered = await raw.waitForFrames(18, 2000);
    for (const f of answered) {
      assert.equal(f.code, f.opaque % 2 === 0 ? h.lib.ResponseCode.GO_AWAY : h.lib.RemotingSysResponseCode.SYSTEM_BUSY, `opaque ${f.opaque}`);
    }
    release.resolve();
    await within(stopping, 3000, "shutdown");
    assert.equal(counts.startedAfterShutdownBegan, 0);
  });

  scenario("requests queued by a connection that closes never start, and are counted in stats.droppedRequests", async (h) => {
    const { server, counts, release } = await holdingServer(h, { maxInFlightRequests: 1 });
    const raw = await sendHolds(h, server, 31);
    await waitFor(() => counts.started === 1 && server.stats.queued === 30, "1 request running and 30 queued");
    raw.reset();
    await waitFor(() => server.stats.connections === 0, "the server to see the close");
    release.resolve();
    // An echo queued behind whatever is left: once it is answered, nothing of the closed connection can start any more.
    assert.equal((await h.client().invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000)).code, 0);
    assert.equal(counts.started, 1, "requests of the closed connection were started");
    assert.equal(server.stats.droppedRequests, 30);
  });

  scenario("after shutdown() resolved, no processor starts: 196 queued requests are answered SYSTEM_BUSY, not run on a closed connection", async (h) => {
    const { server, counts, release, beginShutdown } = await holdingServer(h, { maxInFlightRequests: 4, shutdownTimeoutMs: 100 });
    const raw = await sendHolds(h, server, 200);
    await waitFor(() => counts.started === 4 && server.stats.queued === 196, "4 requests running and 196 queued");
    await within(beginShutdown(), 3000, "shutdown");
    release.resolve();
    await waitFor(() => counts.finished === counts.started, "the running processors to finish");
    // Starting a queued request follows a finished one within the same microtask run; a later task sees all of them.
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(counts.startedAfterShutdownBegan, 0, `${counts.startedAfterShutdownBegan} processors started after shutdown() began`);
    assert.equal(counts.started, 4);
    const busy = raw.frames.filter((f) => f.code === h.lib.RemotingSysResponseCode.SYSTEM_BUSY);
    assert.equal(busy.length, 196, `SYSTEM_BUSY answers before the connection closed (frames: ${raw.frames.length})`);
  });
});
