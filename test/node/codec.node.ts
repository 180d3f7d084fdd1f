import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createRequest, decodeFrame, encodeFrame, FrameDecoder } from "bun-remoting";
import { Random } from "../helpers/random.ts";
import { brokenUtf8, trickyText } from "../helpers/utf8-samples.ts";

// The Node build reads and writes header text with Node's Buffer methods where Bun's are used on
// Bun: the same bytes must give the same strings as TextDecoder, broken UTF-8 included, and the
// same strings the same bytes as TextEncoder.
describe("header text on Node", () => {
  test("remarks of random bytes, cached lengths and longer, decode as TextDecoder decodes them", () => {
    const rng = new Random(2026);
    const decoder = new TextDecoder();
    for (let i = 0; i < 3_000; i++) {
      const length = rng.int(1, 300);
      const frame = encodeFrame(createRequest(1, { remark: "x".repeat(length), serializeType: "ROCKETMQ" }));
      const remark = brokenUtf8(rng, length);
      frame.set(remark, 25); // prefix 4, type and header length 4, the fixed fields before the remark 17
      assert.equal(decodeFrame(frame).remark, decoder.decode(remark));
    }
  });

  test("remarks of random text, short and long, are written as TextEncoder writes them", () => {
    const rng = new Random(2027);
    const encoder = new TextEncoder();
    for (let i = 0; i < 3_000; i++) {
      const text = trickyText(rng, rng.int(1, 200), false); // a ROCKETMQ header refuses lone surrogates
      const frame = encodeFrame(createRequest(1, { remark: text, serializeType: "ROCKETMQ" }));
      const expected = encoder.encode(text);
      assert.deepEqual(frame.subarray(25, 25 + expected.length), expected);
      assert.equal(frame.length, 25 + expected.length + 4); // the remark, then an empty extFields length
    }
  });
});

// Node's Buffer.copy is what copies small bodies out of a chunk when a decoder is asked to.
describe("bodies copied out of a chunk on Node", () => {
  test("copyBodiesUpTo: small bodies are plain copies of their exact bytes, larger ones views, from pooled Buffers too", () => {
    const sizes = [1, 63, 64, 65, 3000];
    const frames = sizes.map((n, i) => encodeFrame(createRequest(i, { body: new Uint8Array(n).map((_, k) => (k * 7 + i) & 255) })));
    const chunk = Buffer.concat(frames.map((f) => Buffer.from(f))); // a Buffer, as node:net delivers
    const out = new FrameDecoder({ lazyBodies: true, copyBodiesUpTo: 64 }).push(chunk);
    assert.deepEqual(out.map((c) => c.body!.length), sizes);
    for (const [i, cmd] of out.entries()) {
      assert.equal(Object.getPrototypeOf(cmd.body), Uint8Array.prototype);
      assert.deepEqual(Array.from(cmd.body!), Array.from(new Uint8Array(sizes[i]!).map((_, k) => (k * 7 + i) & 255)));
    }
    assert.deepEqual(out.map((c) => c.body!.buffer === chunk.buffer), [false, false, false, true, true]);
  });
});
