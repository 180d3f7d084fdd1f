import { describe, expect, test } from "bun:test";
import { readUtf8 } from "../../src/protocol/utf8.ts";
import { Random } from "../helpers/random.ts";
import { brokenUtf8, trickyText } from "../helpers/utf8-samples.ts";

const encoder = new TextEncoder();

/** `text`'s UTF-8 bytes at an odd offset inside a larger array, as header strings sit in a frame. */
function placed(text: string, offset: number): Uint8Array {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(offset + bytes.length + 3).fill(0x41);
  out.set(bytes, offset);
  return out;
}

describe("readUtf8 and its string cache", () => {
  test("a string that differs from a cached one in any single byte, at any length, is never served from the cache", () => {
    const rng = new Random(48);
    for (let length = 1; length <= 52; length++) {
      const base = Array.from({ length }, () => String.fromCharCode(rng.int(0x21, 0x7e))).join("");
      for (const offset of [0, 1, 2, 3, 5]) {
        const original = placed(base, offset);
        expect(readUtf8(original, offset, offset + length)).toBe(base);
        for (let at = 0; at < length; at++) {
          const changed = original.slice();
          changed[offset + at] = changed[offset + at] === 0x7a ? 0x79 : 0x7a;
          const expected = new TextDecoder().decode(changed.subarray(offset, offset + length));
          expect(readUtf8(changed, offset, offset + length)).toBe(expected);
          expect(readUtf8(original, offset, offset + length)).toBe(base); // and the original comes back
        }
      }
    }
  });

  test("strings whose lengths differ but whose bytes agree on the shorter one are kept apart", () => {
    for (let length = 2; length <= 48; length++) {
      const long = "k".repeat(length);
      const bytes = placed(long, 1);
      expect(readUtf8(bytes, 1, 1 + length)).toBe(long);
      expect(readUtf8(bytes, 1, length)).toBe(long.slice(1));
      expect(readUtf8(bytes, 1, 1 + length)).toBe(long);
    }
  });

  test("random text, non-ASCII and invalid UTF-8 included, decodes as TextDecoder does, cached or not", () => {
    const rng = new Random(4848);
    const decoder = new TextDecoder();
    const pool = Array.from({ length: 300 }, () => (rng.bool(0.3) ? rng.bytes(rng.int(0, 60)) : encoder.encode(rng.string(50))));
    for (let i = 0; i < 20_000; i++) {
      const bytes = rng.pick(pool);
      expect(readUtf8(bytes, 0, bytes.length)).toBe(decoder.decode(bytes));
    }
  });

  test("longer text, never cached, decodes as TextDecoder does, broken sequences included", () => {
    const rng = new Random(4849);
    const decoder = new TextDecoder();
    for (let i = 0; i < 5_000; i++) {
      const length = rng.int(49, 400);
      const bytes = rng.bool(0.5) ? encoder.encode(trickyText(rng, length, false)) : brokenUtf8(rng, length);
      const at = rng.int(0, 3);
      const framed = new Uint8Array(at + bytes.length + 2).fill(0x41);
      framed.set(bytes, at);
      expect(readUtf8(framed, at, at + bytes.length)).toBe(decoder.decode(bytes));
    }
  });
});
