import assert from "node:assert/strict";
import type { RemotingServer } from "../../src/surface.ts";
import { recordingLogger, sampleMax } from "../helpers/probes.ts";
import { sleep, waitFor } from "../helpers/promises.ts";
import type { RawClient } from "../helpers/raw-peers.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const SLOW = 11;
const MiB = 1024 * 1024;
/** What the lead allows a connection's unsent bytes to reach, sampled from outside (maxWriteBufferBytes is 4 MiB). */
const BOUND_PER_PEER = 8 * MiB;
/** The async processor's answer: 100 KiB after 100 ms. One buffer for every answer, so the test itself stays small. */
const ANSWER = new Uint8Array(100 * 1024);
const ANSWER_DELAY_MS = 100;

/** A server whose SLOW processor answers 100 KiB after 100 ms; its warnings are recorded. */
async function slowAnsweringServer(h: ScenarioHarness): Promise<{ server: RemotingServer; warnings: string[] }> {
  const { logger, warnings } = recordingLogger();
  const server = await h.server({ logger }, (s) => {
    s.registerProcessor(ECHO, h.echo);
    s.registerProcessor(SLOW, async () => {
      await sleep(ANSWER_DELAY_MS);
      return h.lib.createResponse(0, null, { body: ANSWER });
    });
  });
  return { server, warnings };
}

/** A raw peer that never reads and sends 50 requests every 5 ms until its connection closes. */
async function greedyPeer(h: ScenarioHarness, port: number): Promise<RawClient> {
  const raw = await h.rawClient(port);
  raw.pause();
  const batch = Buffer.concat(Array.from({ length: 50 }, () => h.lib.encodeFrame(h.lib.createRequest(SLOW))));
  raw.write(batch);
  const timer = setInterval(() => (raw.isClosed ? clearInterval(timer) : raw.write(batch)), 5);
  h.defer(() => clearInterval(timer));
  return raw;
}

/**
 * `peers` greedy peers against one server, while a healthy client keeps calling: the server's
 * unsent bytes stay under peers x 8 MiB at every sample, each greedy peer is closed as a slow
 * consumer (counted and logged), and the healthy client is answered throughout.
 */
async function slowConsumersAreClosed(h: ScenarioHarness, peers: number): Promise<void> {
  const { server, warnings } = await slowAnsweringServer(h);
  const sampler = sampleMax(() => server.stats.bytesQueued);
  h.defer(() => sampler.stop());
  const healthy = h.client();
  const addr = h.addrOf(server);
  const greedy = await Promise.all(Array.from({ length: peers }, () => greedyPeer(h, server.port)));
  const bound = peers * BOUND_PER_PEER;
  const deadline = performance.now() + 10_000;
  let served = 0;
  while (!greedy.every((raw) => raw.isClosed)) {
    assert.ok(sampler.max <= bound, `the server queued ${(sampler.max / MiB).toFixed(1)} MiB for ${peers} peer(s) that never read (bound ${bound / MiB} MiB)`);
    assert.ok(performance.now() < deadline, `${greedy.filter((raw) => !raw.isClosed).length} of ${peers} greedy peer(s) still open after 10 s (max queued ${(sampler.max / MiB).toFixed(1)} MiB)`);
    const answer = await healthy.invokeSync(addr, h.lib.createRequest(ECHO, { extFields: { n: String(served) } }), 2000);
    assert.deepEqual(answer.extFields, { n: String(served) });
    served++;
    await sleep(5);
  }
  const max = sampler.stop();
  assert.ok(max <= bound, `the server queued ${(max / MiB).toFixed(1)} MiB (bound ${bound / MiB} MiB)`);
  assert.ok(served > 0, "the healthy client was served while the greedy peers were open");
  assert.equal(server.stats.slowConsumerCloses, peers);
  assert.ok(warnings.some((w) => /slow consumer|maxWriteBufferBytes/i.test(w)), `a warning about the slow consumer, got ${JSON.stringify(warnings)}`);
  assert.equal((await healthy.invokeSync(addr, h.lib.createRequest(ECHO), 2000)).code, 0);
  await waitFor(() => server.stats.connections === 1, "only the healthy client's connection to be left");
}

// Issue 2 of the outside test: a peer that keeps sending but never reads, served by an async
// processor answering 100 KiB after 100 ms, made the server queue 387 MiB on one connection (1.06 GiB
// over five). A connection's unsent bytes are now bounded by maxWriteBufferBytes (default 4 MiB):
// beyond it the connection is closed as a slow consumer, and above writeBufferHighWaterMark the
// server reads no more requests from it.
export const slowConsumers = group("slow consumers: bounded memory per connection", (scenario) => {
  scenario("maxWriteBufferBytes defaults to 4 MiB and may not be below writeBufferHighWaterMark", async (h) => {
    assert.equal(h.lib.SERVER_DEFAULTS.maxWriteBufferBytes, 4 * MiB);
    assert.throws(
      () => h.newServer({ writeBufferHighWaterMark: 2 * MiB, writeBufferLowWaterMark: MiB, maxWriteBufferBytes: MiB }),
      (error: Error) => error instanceof TypeError && /maxWriteBufferBytes/.test(error.message),
    );
    assert.throws(() => h.newServer({ maxWriteBufferBytes: 512 * 1024 }), (error: Error) => error instanceof TypeError && /maxWriteBufferBytes/.test(error.message));
  });

  scenario("a peer that sends but never reads, against an async processor answering 100 KiB: never more than 8 MiB queued, closed as a slow consumer; others are served", async (h) => {
    await slowConsumersAreClosed(h, 1);
  }, 20_000);

  scenario("five such peers at once: never more than 5 x 8 MiB queued in total, each closed; others are served", async (h) => {
    await slowConsumersAreClosed(h, 5);
  }, 20_000);
});
