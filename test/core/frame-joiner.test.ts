import { describe, expect, test } from "bun:test";
import { FrameJoiner } from "../../src/core/connection/frame-joiner.ts";
import { Random } from "../helpers/random.ts";

describe("FrameJoiner", () => {
  test("head then body, byte for byte, for bodies at every page offset", () => {
    const joiner = new FrameJoiner();
    const rng = new Random(5);
    const source = new Uint8Array(1 << 20).map(() => rng.int(0, 255));
    for (let offset = 0; offset < 4096; offset += 7) {
      const head = source.subarray(0, rng.int(1, 300));
      const body = source.subarray(offset, offset + 70_000);
      const frame = joiner.join(head, body);
      expect(frame.length).toBe(head.length + body.length);
      expect(Buffer.compare(frame.subarray(0, head.length), head)).toBe(0);
      expect(Buffer.compare(frame.subarray(head.length), body)).toBe(0);
      // The body's copy never lands 1 to 31 bytes ahead of its source within a page.
      const skew = (((frame.byteOffset + head.length - body.byteOffset) % 4096) + 4096) % 4096;
      expect(skew === 0 || skew >= 32).toBe(true);
    }
  });

  test("the buffer is reused, unless the last frame was kept (a socket took only part of it)", () => {
    const joiner = new FrameJoiner();
    const body = new Uint8Array(100_000).fill(1);
    const first = joiner.join(new Uint8Array(8), body);
    expect(joiner.join(new Uint8Array(8), body).buffer).toBe(first.buffer);
    joiner.keep();
    const kept = first.slice();
    const next = joiner.join(new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]), new Uint8Array(100_000).fill(2));
    expect(next.buffer).not.toBe(first.buffer);
    expect(Buffer.compare(first, kept)).toBe(0); // what was kept is untouched
    // Given back once its rest was written, it serves the next join again (no fresh pages).
    const again = new FrameJoiner();
    again.join(new Uint8Array(8), body);
    const given = again.keep()!;
    again.giveBack(given);
    expect(again.join(new Uint8Array(8), body).buffer).toBe(given.buffer);
  });
});
