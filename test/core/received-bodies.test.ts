import { expect, test } from "bun:test";
import { createRequest } from "../../src/index.ts";
import { addrOf, echo, useHarness } from "../helpers/harness.ts";

const h = useHarness();

// Received bodies are plain Uint8Arrays on every runtime (Bun hands the core Buffers): slice()
// copies and toString() is the array's, so code behaves the same under Bun and Node.
test("received bodies are plain Uint8Arrays whose slice() is a copy, small and reassembled alike", async () => {
  let seenByProcessor: Uint8Array | null = null;
  const server = await h.server({}, (s) =>
    s.registerProcessor(1, (ctx, req) => {
      seenByProcessor = req.body;
      return echo(ctx, req);
    }),
  );
  const client = h.client();
  for (const size of [64, 300_000]) {
    const body = new Uint8Array(size).fill(7);
    const answer = await client.invokeSync(addrOf(server), createRequest(1, { body }), 5000);
    for (const received of [answer.body!, seenByProcessor!]) {
      expect(Object.getPrototypeOf(received)).toBe(Uint8Array.prototype);
      const copy = received.slice();
      copy[0] = 99;
      expect(received[0]).toBe(7);
      expect(received.length).toBe(size);
    }
  }
});
