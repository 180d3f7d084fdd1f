import { describe, expect, test } from "bun:test";
import { createRequest, encodeFrame, FrameDecoder, type RemotingCommand } from "../../src/index.ts";
import { takeHeadroom } from "../../src/protocol/headroom.ts";
import { Random } from "../helpers/random.ts";

const MiB = 1024 * 1024;

/** A frame's bytes as a Bun writer sends them: the prefix and header alone, then the body in fresh chunks. */
function headerThenBody(frame: Uint8Array, headerEnd: number, chunkSize: number): Uint8Array[] {
  const chunks = [frame.slice(0, headerEnd)];
  for (let off = headerEnd; off < frame.length; off += chunkSize) chunks.push(frame.slice(off, Math.min(frame.length, off + chunkSize)));
  return chunks;
}

/** The length of prefix + type word + header of an encoded frame. */
function headEnd(frame: Uint8Array): number {
  return 8 + (((frame[5]! << 16) | (frame[6]! << 8) | frame[7]!) >>> 0);
}

function feedAll(decoder: FrameDecoder, chunks: Uint8Array[]): RemotingCommand[] {
  const out: RemotingCommand[] = [];
  for (const c of chunks) decoder.feed(c, (cmd) => out.push(cmd));
  return out;
}

describe("FrameDecoder, large frames that arrive in pieces", () => {
  const rng = new Random(1 << 20);
  const body = rng.bytes(MiB);

  for (const serializeType of ["ROCKETMQ", "JSON"] as const) {
    test(`${serializeType}: when the header arrives alone, the body is placed on a 64-byte boundary`, () => {
      const frame = encodeFrame(createRequest(10, { extFields: { topic: "T" }, body, serializeType }));
      for (const lazyBodies of [false, true]) {
        for (const size of [64 * 1024, 100_000, 512 * 1024]) {
          const [cmd] = feedAll(new FrameDecoder({ lazyBodies }), headerThenBody(frame, headEnd(frame), size));
          expect(cmd!.body!.byteOffset % 64).toBe(0);
          expect(Buffer.compare(cmd!.body!, body)).toBe(0);
        }
      }
    });
  }

  test("when a big part of the frame comes with its first chunk, the frame is placed congruent to it modulo 64", () => {
    const frame = encodeFrame(createRequest(10, { body, serializeType: "ROCKETMQ" }));
    const head = headEnd(frame);
    for (const lead of [0, 1, 17, 31, 33, 63, 100]) {
      // The frame starts `lead` bytes into a 64 KiB chunk (after an earlier frame's tail, say).
      const stream = new Uint8Array(lead + frame.length);
      stream.set(frame, lead);
      const decoder = new FrameDecoder();
      const first = stream.subarray(lead, 64 * 1024);
      const [cmd] = feedAll(decoder, [first, ...headerThenBody(stream.subarray(64 * 1024), 0, 128 * 1024)]);
      const frameStartInBuffer = cmd!.body!.byteOffset - (head - 4);
      expect(frameStartInBuffer % 64).toBe((first.byteOffset + 4) % 64);
      expect(Buffer.compare(cmd!.body!, body)).toBe(0);
    }
  });

  test("a body that is not given back is never overwritten by later frames", () => {
    const decoder = new FrameDecoder({ lazyBodies: true });
    const bodies = [0x11, 0x22, 0x33].map((v) => new Uint8Array(200_000).fill(v));
    const kept = bodies.map((b) => {
      const frame = encodeFrame(createRequest(1, { body: b }));
      return feedAll(decoder, headerThenBody(frame, headEnd(frame), 65_536))[0]!.body!;
    });
    kept.forEach((b, i) => expect(b.every((x) => x === bodies[i]![0])).toBe(true));
    expect(new Set(kept.map((b) => b.buffer)).size).toBe(3);
  });

  test("release() gives the buffer back: the next large frame that fits reuses it, and the released body reads null", () => {
    const decoder = new FrameDecoder();
    const frame = (fill: number, size: number) => encodeFrame(createRequest(1, { body: new Uint8Array(size).fill(fill) }));
    const one = frame(1, 300_000);
    const [a] = feedAll(decoder, headerThenBody(one, headEnd(one), 65_536));
    const bufferA = a!.body!.buffer;
    expect(decoder.release(a!)).toBe(true);
    expect(a!.body).toBeNull();
    expect(decoder.release(a!)).toBe(false); // once only

    const two = frame(2, 250_000); // fits
    const [b] = feedAll(decoder, headerThenBody(two, headEnd(two), 65_536));
    expect(b!.body!.buffer).toBe(bufferA);
    expect(b!.body!.every((x) => x === 2)).toBe(true);
    expect(b!.body!.length).toBe(250_000);

    // Not given back: the next frame gets a buffer of its own.
    const [c] = feedAll(decoder, headerThenBody(two, headEnd(two), 65_536));
    expect(c!.body!.buffer).not.toBe(bufferA);
    expect(b!.body!.every((x) => x === 2)).toBe(true);

    // Given back but too small for the next frame: a new buffer, and the small one is not kept.
    expect(decoder.release(c!)).toBe(true);
    const three = frame(3, 400_000);
    const [d] = feedAll(decoder, headerThenBody(three, headEnd(three), 65_536));
    expect(d!.body!.buffer).not.toBe(c!.body?.buffer);
    expect(d!.body!.every((x) => x === 3)).toBe(true);
  });

  test("the bytes before a reassembled body are offered once as room for a header, and withdrawn by release()", () => {
    const decoder = new FrameDecoder({ lazyBodies: true });
    const one = encodeFrame(createRequest(1, { body: new Uint8Array(100_000).fill(7), extFields: { a: "b" } }));
    const prefixAndHeader = headEnd(one); // what arrived before the body: all of it is dead once decoded
    const [a] = feedAll(decoder, headerThenBody(one, prefixAndHeader, 65_536));
    const body = a!.body!;
    expect(takeHeadroom(body, prefixAndHeader + 64)).toBeNull(); // more than the frame left before its body
    expect(takeHeadroom(body.subarray(1), 8)).toBeNull(); // not where the body starts
    const room = takeHeadroom(body, prefixAndHeader - 4)!; // the 4-byte length prefix is not stored
    expect(room.buffer).toBe(body.buffer);
    expect(room.byteOffset + room.length).toBe(body.byteOffset);
    expect(takeHeadroom(body, 8)).toBeNull(); // taken: never handed out twice

    const [b] = feedAll(decoder, headerThenBody(one, prefixAndHeader, 65_536));
    const bodyB = b!.body!;
    expect(decoder.release(b!)).toBe(true);
    expect(takeHeadroom(bodyB, 8)).toBeNull(); // the buffer will hold the next frame
    expect(body.every((x) => x === 7)).toBe(true);
  });

  test("a large frame's ROCKETMQ ext fields are strings at once: a reused or lent buffer leaves them intact", () => {
    const decoder = new FrameDecoder({ lazyBodies: true });
    // SEND_MESSAGE_V2: a small one's ext fields would stay bytes until read.
    const frame = (fill: number) => encodeFrame(createRequest(310, { body: new Uint8Array(100_000).fill(fill), extFields: { topic: `t${fill}` }, serializeType: "ROCKETMQ" }));
    const one = frame(1);
    const [a] = feedAll(decoder, headerThenBody(one, headEnd(one), 65_536));
    takeHeadroom(a!.body!, headEnd(one) - 4)!.fill(0xee); // the bytes before the body, lent to another frame's header
    expect(decoder.release(a!)).toBe(true);
    const two = frame(2);
    const [b] = feedAll(decoder, headerThenBody(two, headEnd(two), 65_536)); // into a's buffer
    expect(a!.extFields).toEqual({ topic: "t1" });
    expect(b!.extFields).toEqual({ topic: "t2" });
  });

  test("release() refuses what it does not own: small frames, frames decoded in place, other decoders' frames, an older frame", () => {
    const decoder = new FrameDecoder({ lazyBodies: true });
    const small = encodeFrame(createRequest(1, { body: new Uint8Array(5000) }));
    const [s] = feedAll(decoder, [small.subarray(0, 100), small.subarray(100)]);
    expect(decoder.release(s!)).toBe(false);
    const big = encodeFrame(createRequest(1, { body: new Uint8Array(100_000).fill(5) }));
    const [inPlace] = decoder.push(big);
    expect(decoder.release(inPlace!)).toBe(false);
    const [older] = feedAll(decoder, headerThenBody(big, headEnd(big), 65_536));
    const [newer] = feedAll(decoder, headerThenBody(big, headEnd(big), 65_536));
    expect(decoder.release(older!)).toBe(false);
    expect(new FrameDecoder().release(newer!)).toBe(false);
    expect(older!.body!.every((x) => x === 5)).toBe(true);
    expect(decoder.release(newer!)).toBe(true);
  });

  test("a large frame without a body leaves nothing behind, so its buffer is reused at once", () => {
    const decoder = new FrameDecoder();
    const headerOnly = encodeFrame(createRequest(1, { extFields: { big: "x".repeat(100_000) }, serializeType: "ROCKETMQ" }));
    const [h] = feedAll(decoder, headerThenBody(headerOnly, 8, 65_536));
    expect(h!.extFields!.big!.length).toBe(100_000);
    expect(h!.body).toBeNull();
    const next = encodeFrame(createRequest(2, { body: new Uint8Array(90_000).fill(9) }));
    const [n] = feedAll(decoder, headerThenBody(next, headEnd(next), 65_536));
    expect(n!.body!.every((x) => x === 9)).toBe(true);
    expect(h!.extFields!.big).toBe("x".repeat(100_000)); // strings are copies
    expect(n!.body!.buffer.byteLength).toBe(headerOnly.length - 4 + 64);
  });

  test("bufferedBytes counts the frame in progress, prefix included", () => {
    const frame = encodeFrame(createRequest(1, { body: new Uint8Array(100_000) }));
    const decoder = new FrameDecoder();
    decoder.push(frame.subarray(0, 2));
    expect(decoder.bufferedBytes).toBe(2);
    decoder.push(frame.subarray(2, 70_000));
    expect(decoder.bufferedBytes).toBe(70_000);
    expect(decoder.push(frame.subarray(70_000))).toHaveLength(1);
    expect(decoder.bufferedBytes).toBe(0);
  });

  test("random splits of a stream of large and small frames, with and without release, give every frame intact", () => {
    const rng = new Random(77);
    const sizes = Array.from({ length: 60 }, () => (rng.bool(0.5) ? rng.int(64 * 1024, 600_000) : rng.int(0, 3000)));
    const frames = sizes.map((size, i) => encodeFrame(createRequest(i, { body: new Uint8Array(size).fill(i & 0xff), serializeType: rng.pick(["JSON", "ROCKETMQ"] as const) })));
    const stream = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) {
      stream.set(f, at);
      at += f.length;
    }
    const decoder = new FrameDecoder({ lazyBodies: true });
    let next = 0;
    for (let off = 0; off < stream.length; ) {
      const size = rng.pick([1, 3, 29, 4096, 65_536, 131_072, 524_288, rng.int(1, 300_000)]);
      decoder.feed(stream.slice(off, off + size), (cmd) => {
        expect(cmd.code).toBe(next);
        const body = cmd.body;
        expect(body === null ? 0 : body.length).toBe(sizes[next]!);
        if (body !== null) expect(body.every((x) => x === (next & 0xff))).toBe(true);
        if (rng.bool(0.5)) decoder.release(cmd);
        next++;
      });
      off += size;
    }
    expect(next).toBe(frames.length);
  });
});
