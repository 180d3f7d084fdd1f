import { do_not_optimize } from "mitata";
import type { MicroModule } from "./micro.ts";

type Library = typeof import("../../src/index.ts");
type Command = import("../../src/index.ts").RemotingCommand;

/** FrameDecoder over a 16 MiB stream of 64-byte ROCKETMQ frames, cut into chunks as sockets deliver them. */
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
