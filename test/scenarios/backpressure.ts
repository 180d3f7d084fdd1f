import assert from "node:assert/strict";
import { sampleMax } from "../helpers/probes.ts";
import { deferred, waitFor, within } from "../helpers/promises.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const BIG = 11;

// Write water marks: a peer that stops reading makes its connection unwritable; the
// server stops reading that peer instead of buffering without bound, the client holds calls back;
// nothing is lost or reordered once the peer reads again. On Node this runs through node:net's own
// buffering and 'drain' events.
export const backpressure = group("backpressure on real sockets", (scenario) => {
  scenario("a client that stops reading: the server stops processing it, serves others, and delivers every answer in order on resume", async (h) => {
    let processed = 0;
    const RESPONSE = 16 * 1024;
    const responseBody = new Uint8Array(RESPONSE).fill(3);
    const server = await h.server({}, (s) => {
      s.registerProcessor(BIG, () => (processed++, h.lib.createResponse(0, null, { body: responseBody })));
      s.registerProcessor(ECHO, h.echo);
    });
    const raw = await h.rawClient(server.port);
    raw.pause();
    const queued = sampleMax(() => server.stats.bytesQueued);
    h.defer(() => queued.stop());
    const N = 2000; // 2000 x 16 KiB = 31 MiB of answers
    const requestBody = new Uint8Array(1024);
    const frames = Array.from({ length: N }, (_, i) => h.lib.encodeFrame(h.lib.createRequest(BIG, { opaque: 100_000 + i, body: requestBody })));
    const sending = raw.send(Buffer.concat(frames));
    // Over its high-water mark (1 MiB) the connection is unwritable, and from that moment the server
    // takes no more of its requests (the rest of the chunk is held, the socket paused).
    await waitFor(() => server.stats.bytesQueued > 1024 * 1024, "the stuck client's queue to pass the high-water mark");
    const stalledAt = processed;
    assert.ok(stalledAt < N / 2, `the server stopped after ${stalledAt} of ${N} requests`);
    const other = h.client();
    const t0 = performance.now();
    assert.deepEqual((await other.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { x: "1" } }), 2000)).extFields, { x: "1" });
    assert.ok(performance.now() - t0 < 1000, "the other client was served at once");
    assert.equal(processed, stalledAt); // served another client meanwhile, and nothing more of the stuck one
    const maxQueued = queued.stop();
    assert.ok(maxQueued < 12 * 1024 * 1024, `the server queued ${(maxQueued / 1048576).toFixed(1)} MiB for the stuck client (31 MiB without backpressure)`);
    raw.resume();
    await sending;
    const got = await raw.waitForFrames(N, 20_000);
    assert.equal(got.length, N);
    assert.ok(got.every((f, i) => f.opaque === 100_000 + i && f.body?.length === RESPONSE), "every answer, in order");
    assert.equal(processed, N);
  }, 30_000);

  scenario("a server that stops reading: the channel becomes unwritable, calls wait, and all complete in order once it reads", async (h) => {
    const firstRequest = deferred();
    const order: number[] = [];
    const raw = await h.rawServer((conn, request) => {
      if (!firstRequest.settled) {
        conn.pause();
        firstRequest.resolve();
      }
      order.push(Number(request.extFields!.i));
      conn.reply(request);
    });
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const N = 300;
    const body = new Uint8Array(64 * 1024); // 300 x 64 KiB = 19 MiB against a 1 MiB high-water mark
    let done = 0;
    const errors: Error[] = [];
    const all = deferred();
    let sawUnwritable = false;
    for (let i = 0; i < N; i++) {
      client.invokeAsync(addr, h.lib.createRequest(ECHO, { body, extFields: { i: String(i) } }), 20_000, (error) => {
        if (error !== null) errors.push(error);
        if (++done === N) all.resolve();
      });
      if (i === 0) await firstRequest.promise;
      if (!client.isChannelWritable(addr)) sawUnwritable = true;
    }
    await waitFor(() => !client.isChannelWritable(addr) || sawUnwritable, "the channel to become unwritable");
    assert.ok(done < N);
    raw.connections[0]!.resume();
    await within(all.promise, 20_000, "every call");
    assert.deepEqual(errors, []);
    assert.deepEqual(order, Array.from({ length: N }, (_, i) => i));
    assert.equal(client.isChannelWritable(addr), true);
  }, 30_000);
});
