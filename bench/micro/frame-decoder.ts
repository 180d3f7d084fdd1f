import { do_not_optimize } from "mitata";
import type { MicroModule } from "./micro.ts";

type Library = typeof import("../../src/index.ts");
type Command = import("../../src/index.ts").RemotingCommand;

/**
 * FrameDecoder over a 16 MiB stream of 64-byte ROCKETMQ frames, cut into chunks as sockets deliver
 * them; and over 1 MiB frames that arrive in pieces, which it reassembles.
 */
export const frameDecoderBenches: MicroModule = async (root) => {
  const lib = (await import(`${root}src/index.ts`)) as Library;
  const frame = lib.encodeFrame(lib.createRequest(1, { body: new Uint8Array(35), serializeType: "ROCKETMQ" }));
  if (frame.length !== 64) throw new Error(`expected a 64-byte frame, got ${frame.length}`);
  const stream = new Uint8Array(16 * 1024 * 1024);
  for (let off = 0; off < stream.length; off += 64) stream.set(frame, off);
  const frames = stream.length / 64;
  const cut = (size: number): Uint8Array[] => {
    const chunks: Uint8Array[] = [];
    for (let off = 0; off < stream.length; off += size) chunks.push(stream.subarray(off, off + size));
    return chunks;
  };
  const chunks = cut(64 * 1024);
  const oddChunks = cut(65_521); // frames straddle chunks
  let sink = 0;
  const onFrame = (cmd: Command): void => {
    sink += cmd.body === null ? 0 : cmd.body.length;
  };
  const group = `FrameDecoder: 16 MiB of 64-byte frames`;
  const onFrameCode = (cmd: Command): void => {
    sink += cmd.code;
  };
  const feed = (parts: Uint8Array[], lazyBodies = false, consume = onFrame) => () => {
    const decoder = new lib.FrameDecoder({ lazyBodies });
    for (const c of parts) decoder.feed(c, consume);
    return do_not_optimize(sink);
  };
  return [
    ...largeFrameBenches(lib),
    { group, name: "64 KiB chunks, feed()", fn: feed(chunks), perCall: frames, unit: "frames", short: true },
    // As the endpoints' connections decode: lazy body views, made only for a body that is read.
    { group, name: "64 KiB chunks, feed(), lazy bodies, read", fn: feed(chunks, true), perCall: frames, unit: "frames" },
    { group, name: "64 KiB chunks, feed(), lazy bodies, not read", fn: feed(chunks, true, onFrameCode), perCall: frames, unit: "frames", short: true },
    { group, name: "65521 B chunks (frames straddle), feed()", fn: feed(oddChunks), perCall: frames, unit: "frames" },
    {
      group,
      name: "64 KiB chunks, push() arrays",
      perCall: frames,
      unit: "frames",
      fn: () => {
        const decoder = new lib.FrameDecoder();
        let n = 0;
        for (const c of chunks) n += decoder.push(c).length;
        return do_not_optimize(n);
      },
    },
  ];
};

const MiB = 1024 * 1024;
const LARGE_FRAMES = 8;
/** What a socket hands out: a fresh buffer of its own per chunk (page-aligned when large). */
const freshChunk = (bytes: Uint8Array): Uint8Array => {
  const chunk = Buffer.allocUnsafeSlow(bytes.length);
  chunk.set(bytes);
  return chunk;
};

/**
 * 8 frames with 1 MiB bodies, as a Bun peer sends them (the prefix and header in one write, the
 * body in another, so the header arrives alone) or as one stream (frames start anywhere in a
 * chunk), in chunks of 64 to 512 KiB; the connections' lazy bodies, each read once. Reassembly
 * copies every byte once: how fast depends on where the copies land (see frame-decoder.ts).
 */
function largeFrameBenches(lib: Library) {
  const body = new Uint8Array(MiB).fill(3);
  const frame = lib.encodeFrame(lib.createRequest(310, { extFields: { topic: "TopicTest", queueId: "1" }, body, serializeType: "ROCKETMQ" }));
  const headEnd = frame.length - MiB;
  const headerThenBody = (size: number): Uint8Array[] => {
    const parts = [freshChunk(frame.subarray(0, headEnd))];
    for (let off = headEnd; off < frame.length; off += size) parts.push(freshChunk(frame.subarray(off, off + size)));
    return Array.from({ length: LARGE_FRAMES }, () => parts).flat();
  };
  const stream = (size: number): Uint8Array[] => {
    const all = new Uint8Array(frame.length * LARGE_FRAMES);
    for (let i = 0; i < LARGE_FRAMES; i++) all.set(frame, i * frame.length);
    const parts: Uint8Array[] = [];
    for (let off = 0; off < all.length; off += size) parts.push(freshChunk(all.subarray(off, off + size)));
    return parts;
  };
  let sink = 0;
  const run = (parts: Uint8Array[], release: boolean) => () => {
    const decoder = new lib.FrameDecoder({ lazyBodies: true });
    for (const c of parts) {
      decoder.feed(c, (cmd) => {
        sink += cmd.body!.length;
        // Optional call: revisions before release() existed run this as "not released" (compare mode).
        if (release) (decoder as { release?: (cmd: Command) => boolean }).release?.(cmd);
      });
    }
    return do_not_optimize(sink);
  };
  const group = `FrameDecoder: ${LARGE_FRAMES} frames with 1 MiB bodies, reassembled`;
  const perCall = (frame.length * LARGE_FRAMES) / 1e9;
  return [
    ...[64, 128, 256, 512].map((k) => ({ group, name: `header alone, then ${k} KiB chunks`, fn: run(headerThenBody(k * 1024), false), perCall, unit: "GB" })),
    ...[64, 256].map((k) => ({ group, name: `one stream in ${k} KiB chunks`, fn: run(stream(k * 1024), false), perCall, unit: "GB" })),
    ...[64, 256].map((k) => ({ group, name: `header alone, then ${k} KiB chunks, bodies released`, fn: run(headerThenBody(k * 1024), true), perCall, unit: "GB" })),
  ];
}
