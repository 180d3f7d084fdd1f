import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createRequest, decodeFrame, encodeFrame } from "bun-remoting";
import { Random } from "../helpers/random.ts";

// The Node build reads and writes header text with Node's Buffer methods where Bun's are used on
// Bun: the same bytes must give the same strings as TextDecoder, broken UTF-8 included, and the
// same strings the same bytes as TextEncoder.
describe("header text on Node", () => {
  test("remarks of random bytes, cached lengths and longer, decode as TextDecoder decodes them", () => {
    const rng = new Random(2026);
    const decoder = new TextDecoder();
    const tricky = [0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0];
    for (let i = 0; i < 3_000; i++) {
      const length = rng.int(1, 300);
      const frame = encodeFrame(createRequest(1, { remark: "x".repeat(length), serializeType: "ROCKETMQ" }));
      const remark = Uint8Array.from({ length }, () => (rng.bool(0.5) ? rng.pick(tricky) : rng.int(0, 255)));
      frame.set(remark, 25); // prefix 4, type and header length 4, the fixed fields before the remark 17
      assert.equal(decodeFrame(frame).remark, decoder.decode(remark));
    }
  });

  test("remarks of random text, short and long, are written as TextEncoder writes them", () => {
    const rng = new Random(2027);
    const encoder = new TextEncoder();
    const units = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0x4e2d, 0xfffd, 0xffff];
    for (let i = 0; i < 3_000; i++) {
      let text = "";
      for (let n = rng.int(1, 200); n > 0; n--) {
        text += rng.bool(0.1) ? "\u{1f600}" : String.fromCharCode(rng.bool(0.5) ? rng.pick(units) : rng.int(0, 0xd7ff));
      }
      const frame = encodeFrame(createRequest(1, { remark: text, serializeType: "ROCKETMQ" }));
      const expected = encoder.encode(text);
      assert.deepEqual(frame.subarray(25, 25 + expected.length), expected);
      assert.equal(frame.length, 25 + expected.length + 4); // the remark, then an empty extFields length
    }
  });
});
