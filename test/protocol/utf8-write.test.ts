import { describe, expect, test } from "bun:test";
import { maxUtf8Length, writeUtf8 } from "../../src/protocol/utf8.ts";
import { Random } from "../helpers/random.ts";
import { trickyText } from "../helpers/utf8-samples.ts";

const encoder = new TextEncoder();

describe("UTF-8 writing", () => {
  test("writeUtf8 writes what TextEncoder writes, short and long, ASCII-first and not, at any offset", () => {
    const rng = new Random(9);
    for (let i = 0; i < 5_000; i++) {
      const text = rng.bool(0.3) ? "a".repeat(rng.int(0, 60)) + trickyText(rng, rng.int(0, 10), true) : trickyText(rng, rng.int(0, 200), true);
      const at = rng.int(0, 7);
      const out = new Uint8Array(at + maxUtf8Length(text) + 3).fill(0xee);
      const written = writeUtf8(out, at, text);
      const expected = encoder.encode(text);
      expect(written).toBe(expected.length);
      expect(out.subarray(at, at + written)).toEqual(expected);
      expect(out[at + written]).toBe(0xee); // nothing past what it says it wrote
    }
  });
});
