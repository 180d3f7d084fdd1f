import { describe, expect, test } from "bun:test";
import { createRequest, createResponse, encodeFrame, FrameDecoder, RemotingCommandError, type RemotingCommand } from "../../src/index.ts";
import { expectedAfterRoundTrip, randomCommand } from "../helpers/commands.ts";
import { Random } from "../helpers/random.ts";
import { concatBytes } from "../../src/protocol/byte-writer.ts";
import { plain } from "../helpers/vectors.ts";
import { undecodedExtFields } from "../../src/protocol/remoting-command.ts";

describe("FrameDecoder on streams", () => {
  const variants = [[1, false, 0], [2, false, 0], [3, false, 0], [4, true, 0], [5, true, 0], [6, true, 100], [7, true, 256]] as const;
  for (const [seed, lazyBodies, copyBodiesUpTo] of variants) {
    const what = `${lazyBodies ? ", lazy bodies" : ""}${copyBodiesUpTo > 0 ? `, copied up to ${copyBodiesUpTo} B` : ""}`;
    test(`random chunk splits of a long stream give every frame, in order (seed ${seed}${what})`, () => {
      const rng = new Random(seed);
      const commands = Array.from({ length: 400 }, () => randomCommand(rng, { maxBody: rng.bool(0.05) ? 70_000 : 200 }));
      const stream = concatBytes(commands.map(encodeFrame));
      const decoder = new FrameDecoder({ lazyBodies, copyBodiesUpTo });
      const out: RemotingCommand[] = [];
      for (let off = 0; off < stream.length; ) {
        // Mostly small chunks, some that hold many frames, some that cut a frame's prefix.
        const size = rng.pick([1, 2, 3, 5, 64, 1000, 17_000, 200_000]);
        out.push(...decoder.push(stream.subarray(off, off + size)));
        off += size;
      }
      expect(decoder.bufferedBytes).toBe(0);
      expect(out.map(plain)).toEqual(commands.map((c) => plain(expectedAfterRoundTrip(c))));
    });
  }

  test("several frames in one chunk are decoded in place: bodies are views into the chunk", () => {
    const frames = [1, 2, 3].map((i) => encodeFrame(createRequest(i, { body: new Uint8Array([i, i, i]) })));
    const chunk = concatBytes(frames);
    const out = new FrameDecoder().push(chunk);
    expect(out.map((c) => c.code)).toEqual([1, 2, 3]);
    for (const cmd of out) expect(cmd.body!.buffer).toBe(chunk.buffer);
    chunk[chunk.length - 1] = 99; // a view, not a copy
    expect(out[2]!.body![2]).toBe(99);
  });

  test("copyBodiesUpTo: small bodies are plain copies, larger ones views, whether the frame was in one chunk or reassembled", () => {
    const sizes = [1, 64, 100, 101, 5000];
    const chunk = concatBytes(sizes.map((n, i) => encodeFrame(createRequest(i, { body: new Uint8Array(n).fill(i + 1) }))));
    const decoder = new FrameDecoder({ lazyBodies: true, copyBodiesUpTo: 100 });
    const whole = decoder.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)); // as Bun delivers it
    const split = [...decoder.push(chunk.subarray(0, 7)), ...decoder.push(chunk.subarray(7, 1000)), ...decoder.push(chunk.subarray(1000))];
    for (const out of [whole, split]) {
      expect(out.map((c) => c.body!.length)).toEqual(sizes);
      for (const [i, cmd] of out.entries()) {
        expect(Object.getPrototypeOf(cmd.body)).toBe(Uint8Array.prototype);
        expect(cmd.body!.every((v) => v === i + 1)).toBe(true);
      }
    }
    const byDefault = new FrameDecoder({ lazyBodies: true }).push(chunk);
    expect(byDefault[0]!.body!.buffer).toBe(chunk.buffer); // default: views
    chunk.fill(0); // copies keep their bytes; views show the change
    expect(whole.map((c) => c.body![0])).toEqual([1, 2, 3, 0, 0]);
    expect(whole.slice(0, 3).map((c) => c.body!.buffer.byteLength)).toEqual([1, 64, 100]);
    expect(whole[3]!.body!.buffer).toBe(chunk.buffer);
  });

  test("lazily, a SEND_MESSAGE_V2's ROCKETMQ ext fields are checked on arrival and made on first read; one assigned first wins", () => {
    const ext = { topic: "TopicTest", queueId: "3", "\u00e9t\u00e9": "\ud83d\ude00" };
    const frame = encodeFrame(createRequest(310, { extFields: ext, body: new Uint8Array([1, 2]), serializeType: "ROCKETMQ" }));
    const [read, assigned] = new FrameDecoder({ lazyBodies: true }).push(concatBytes([frame, frame]));
    expect(undecodedExtFields(read!)).not.toBeNull();
    expect(read!.extFields).toEqual(ext);
    expect(read!.extFields).toBe(read!.extFields); // made once
    expect(undecodedExtFields(read!)).toBeNull(); // strings now: a hook may change them
    assigned!.extFields = { mine: "yes" };
    expect(assigned!.extFields).toEqual({ mine: "yes" });
    expect(undecodedExtFields(assigned!)).toBeNull();
    expect(assigned!.body).toEqual(new Uint8Array([1, 2]));

    // A malformed entry fails the frame at once, not when the fields are read.
    const bad = frame.slice();
    bad[8 + 21] = 0x7f; // the first key's length (int16 after the 21-byte fixed part), far past the header
    expect(() => new FrameDecoder({ lazyBodies: true }).push(bad)).toThrow(RemotingCommandError);

    // Any other request, and any response, has its fields made at once.
    const others = [createRequest(105, { extFields: ext, serializeType: "ROCKETMQ" }), createResponse(0, null, { extFields: ext, serializeType: "ROCKETMQ", opaque: 1 })];
    for (const cmd of new FrameDecoder({ lazyBodies: true }).push(concatBytes(others.map(encodeFrame)))) expect(undecodedExtFields(cmd)).toBeNull();
  });

  test("a frame split across chunks is reassembled once, into a buffer of exactly its size", () => {
    const frame = encodeFrame(createRequest(7, { body: new Uint8Array(5000).fill(4) }));
    const decoder = new FrameDecoder();
    expect(decoder.push(frame.subarray(0, 2))).toEqual([]);
    expect(decoder.push(frame.subarray(2, 3000))).toEqual([]);
    const [cmd] = decoder.push(frame.subarray(3000));
    expect(cmd!.body!.length).toBe(5000);
    expect(cmd!.body!.buffer.byteLength).toBe(frame.length - 4);
  });

  test("maxFrameLength counts the prefix, as Netty does", () => {
    const frame = encodeFrame(createRequest(1, { body: new Uint8Array(100) }));
    expect(new FrameDecoder({ maxFrameLength: frame.length }).push(frame).length).toBe(1);
    expect(() => new FrameDecoder({ maxFrameLength: frame.length - 1 }).push(frame)).toThrow(RemotingCommandError);
  });

  test("an oversized frame is refused as soon as its length is known, whatever follows", () => {
    const decoder = new FrameDecoder({ maxFrameLength: 1024 });
    expect(() => decoder.push(new Uint8Array([0, 0]))).not.toThrow();
    expect(() => decoder.push(new Uint8Array([4, 0]))).toThrow("Adjusted frame length exceeds 1024: 1028");
    expect(decoder.bufferedBytes).toBe(0);
  });

  test("frames before a malformed one are delivered by feed, then the error is thrown", () => {
    const good = encodeFrame(createRequest(1));
    const bad = new Uint8Array([0, 0, 0, 4, 9, 0, 0, 0]);
    const seen: number[] = [];
    const decoder = new FrameDecoder();
    expect(() => decoder.feed(concatBytes([good, good, bad, good]), (c) => seen.push(c.code))).toThrow("unknown serialize type 9");
    expect(seen).toEqual([1, 1]);
    expect(() => decoder.push(good)).toThrow("unknown serialize type 9");
  });

  test("a frame too short for its header-length word is malformed", () => {
    expect(() => new FrameDecoder().push(new Uint8Array([0, 0, 0, 3, 0, 0, 0]))).toThrow("shorter than the 4-byte header length");
  });

  test("bad options are refused with the option's name", () => {
    expect(() => new FrameDecoder({ maxFrameLength: 3 })).toThrow(/maxFrameLength/);
    expect(() => new FrameDecoder({ maxFrameLength: 1.5 })).toThrow(/maxFrameLength/);
    for (const bad of [-1, 1.5, Number.NaN, "64" as never]) expect(() => new FrameDecoder({ copyBodiesUpTo: bad })).toThrow(/copyBodiesUpTo/);
  });
});
