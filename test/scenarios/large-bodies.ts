import assert from "node:assert/strict";
import type { RemotingCommand } from "../../src/surface.ts";
import { deferred, sleep, waitFor, within } from "../helpers/promises.ts";
import { Random } from "../helpers/random.ts";
import { group } from "./scenario.ts";

const TYPES = ["JSON", "ROCKETMQ"] as const;
const ECHO = 10;
const KEEP = 11;

/** Decoded bodies that are views into a larger received buffer (not copies of their own). */
const viewsOfLargerBuffers = (bodies: Uint8Array[]): number => bodies.filter((b) => b.byteOffset > 0 || b.buffer.byteLength > b.byteLength).length;

// Bodies of any size up to the frame limit, through short kernel writes and partial
// reads; and the zero-copy promise (README "Bytes and ownership"): a decoded body is a view into
// the received bytes, never written again, so it stays valid for as long as it is held.
export const largeBodies = group("large bodies and retained body views", (scenario) => {
  for (const type of TYPES) {
    scenario(`${type}: 5 MiB each way, with small calls interleaved, arrive intact`, async (h) => {
      const server = await h.server({}, (s) =>
        s.registerProcessor(ECHO, (_ctx, req) => h.lib.createResponse(0, "reversed", { body: req.body === null ? null : new Uint8Array(req.body).reverse(), extFields: req.extFields, serializeType: type })),
      );
      const client = h.client();
      const big = new Random(1).bytes(5 * 1024 * 1024);
      const calls = [
        client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { body: big, extFields: { n: "big" }, serializeType: type }), 10_000),
        ...Array.from({ length: 20 }, (_, i) =>
          client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { body: new Uint8Array([i, i + 1]), extFields: { n: String(i) }, serializeType: type }), 10_000),
        ),
      ];
      const [bigResponse, ...small] = await Promise.all(calls);
      assert.deepEqual(bigResponse!.extFields, { n: "big" });
      assert.equal(Buffer.compare(bigResponse!.body!, new Uint8Array(big).reverse()), 0);
      small.forEach((r, i) => {
        assert.deepEqual(r.extFields, { n: String(i) });
        assert.deepEqual(Array.from(r.body!), [i + 1, i]);
      });
    });
  }

  scenario("bodies kept without copying, on both ends, stay intact under load (received chunks are never reused)", async (h) => {
    const kept: RemotingCommand[] = [];
    const server = await h.server({}, (s) =>
      s.registerProcessor(KEEP, (_ctx, req) => {
        kept.push(req);
        return h.lib.createResponse(0, null, { body: req.body, extFields: req.extFields });
      }),
    );
    const client = h.client();
    const N = 3000;
    const sizeOf = (i: number): number => 1 + ((i * 7919) % (i % 10 === 0 ? 70_000 : 3000));
    const responses: RemotingCommand[] = new Array(N);
    let done = 0;
    const all = deferred();
    const errors: Error[] = [];
    // Two waves: the second churns the allocator while the first wave's views are held.
    for (const wave of [0, 1]) {
      for (let i = wave * (N / 2); i < (wave + 1) * (N / 2); i++) {
        client.invokeAsync(h.addrOf(server), h.lib.createRequest(KEEP, { extFields: { i: String(i) }, body: new Random(i).bytes(sizeOf(i)) }), 15_000, (error, response) => {
          if (error !== null) errors.push(error);
          else responses[Number(response!.extFields!.i)] = response!;
          if (++done === N) all.resolve();
        });
      }
      await sleep(10);
    }
    await within(all.promise, 15_000, `${N} answers`);
    assert.deepEqual(errors, []);
    (globalThis as { gc?: () => void }).gc?.();
    await sleep(20);
    let corrupted = 0;
    for (const req of kept) {
      const i = Number(req.extFields!.i);
      if (Buffer.compare(req.body!, new Random(i).bytes(sizeOf(i))) !== 0) corrupted++;
    }
    for (let i = 0; i < N; i++) if (Buffer.compare(responses[i]!.body!, new Random(i).bytes(sizeOf(i))) !== 0) corrupted++;
    assert.equal(kept.length, N);
    assert.equal(corrupted, 0);
    // The scenario is only meaningful if bodies really are views into shared received buffers.
    assert.ok(viewsOfLargerBuffers(kept.map((r) => r.body!)) > N / 2, "most kept request bodies are views");
    assert.ok(viewsOfLargerBuffers(responses.map((r) => r.body!)) > N / 2, "most kept response bodies are views");
  }, 30_000);

  scenario("maxFrameLength is enforced on receive: the connection closes, the server keeps serving", async (h) => {
    let exceptions = 0;
    const server = await h.server({ maxFrameLength: 1024 }, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.setChannelEventListener({ onChannelException: () => exceptions++ });
    });
    const raw = await h.rawClient(server.port);
    await raw.sendFrame(h.lib.createRequest(ECHO, { opaque: 1, body: new Uint8Array(900) })); // fits
    assert.equal((await raw.waitForFrames(1))[0]!.opaque, 1);
    await raw.sendFrame(h.lib.createRequest(ECHO, { opaque: 2, body: new Uint8Array(2000) })); // does not
    await within(raw.closed.promise, 2000, "the server to close the connection");
    assert.equal(raw.frames.length, 1, "no answer to the oversized frame");
    const ok = await h.client().invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { body: new Uint8Array(500) }), 3000);
    assert.equal(ok.body!.length, 500);
    await waitFor(() => exceptions === 1, "the EXCEPTION event (events are delivered on a later tick)");
  });
});
