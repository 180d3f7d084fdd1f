/**
 * Codec microbenchmarks (mitata): encode and decode of a typical request and response with both
 * header types, and FrameDecoder throughput over a 16 MiB stream of 64-byte frames.
 *   bun bench/codec.bench.ts [--json]
 */
import { bench, do_not_optimize, group, run, summary } from "mitata";
import { createRequest, createResponse, FrameDecoder, type RemotingCommand, type SerializeType } from "../src/index.ts";
import { ByteWriter, encodeFrameInto } from "../src/protocol/index.ts";
import { decodeFrameContent } from "../src/protocol/frame-codec.ts";

const body = new Uint8Array(64).fill(7);

/** SEND_MESSAGE_V2-like: 5 ext fields, 64-byte body. */
function typicalRequest(serializeType: SerializeType): RemotingCommand {
  return createRequest(310, {
    extFields: { a: "please_rename_unique_group_name", b: "TopicTest", c: "TBW102", d: "4", e: "3" },
    body,
    serializeType,
  });
}

/** SendMessageResponseHeader-like: 3 ext fields, 64-byte body. */
function typicalResponse(serializeType: SerializeType): RemotingCommand {
  return createResponse(0, null, {
    opaque: 12345,
    extFields: { msgId: "7F0000010F9C18B4AAC2", queueId: "3", queueOffset: "1024" },
    body,
    serializeType,
  });
}

const writer = new ByteWriter(4096);

function encoded(cmd: RemotingCommand): Uint8Array {
  writer.pos = 0;
  encodeFrameInto(writer, cmd);
  return writer.bytes.slice(0, writer.pos);
}

for (const [name, make] of [["request", typicalRequest], ["response", typicalResponse]] as const) {
  for (const type of ["ROCKETMQ", "JSON"] as const) {
    const cmd = make(type);
    const frame = encoded(cmd);
    group(`${name} ${type} (${frame.length} B frame)`, () => {
      bench("encode", () => {
        writer.pos = 0;
        encodeFrameInto(writer, cmd);
        return do_not_optimize(writer.pos);
      });
      bench("decode", () => do_not_optimize(decodeFrameContent(frame, 4, frame.length)));
      bench("encode + decode", () => {
        writer.pos = 0;
        encodeFrameInto(writer, cmd);
        return do_not_optimize(decodeFrameContent(writer.bytes, 4, writer.pos));
      });
    });
  }
}

// A 16 MiB stream of 64-byte ROCKETMQ frames (21-byte header, 35-byte body), read in 64 KiB chunks.
const FRAME = encoded(createRequest(1, { body: new Uint8Array(35), serializeType: "ROCKETMQ" }));
if (FRAME.length !== 64) throw new Error(`expected a 64-byte frame, got ${FRAME.length}`);
const STREAM = new Uint8Array(16 * 1024 * 1024);
for (let off = 0; off < STREAM.length; off += 64) STREAM.set(FRAME, off);
const CHUNK = 64 * 1024;
const FRAMES_PER_STREAM = STREAM.length / 64;
const chunks = Array.from({ length: STREAM.length / CHUNK }, (_, i) => STREAM.subarray(i * CHUNK, (i + 1) * CHUNK));
// The same stream cut at odd places, so that frames straddle chunks.
const oddChunks: Uint8Array[] = [];
for (let off = 0; off < STREAM.length; off += 65_521) oddChunks.push(STREAM.subarray(off, off + 65_521));

let sink = 0;
const countFrame = (cmd: RemotingCommand) => {
  sink += cmd.body === null ? 0 : cmd.body.length;
};

summary(() => {
  group(`FrameDecoder: 16 MiB of 64-byte frames (${FRAMES_PER_STREAM} frames)`, () => {
    bench("64 KiB chunks, feed()", () => {
      const decoder = new FrameDecoder();
      for (const c of chunks) decoder.feed(c, countFrame);
      return do_not_optimize(sink);
    });
    bench("65521 B chunks (frames straddle), feed()", () => {
      const decoder = new FrameDecoder();
      for (const c of oddChunks) decoder.feed(c, countFrame);
      return do_not_optimize(sink);
    });
    bench("64 KiB chunks, push() arrays", () => {
      const decoder = new FrameDecoder();
      let n = 0;
      for (const c of chunks) n += decoder.push(c).length;
      return do_not_optimize(n);
    });
  });
});

const json = process.argv.includes("--json");
const result = await run(json ? { format: "json" } : {});
if (!json) {
  console.log("\nFrameDecoder throughput (frames/s = frames per stream / avg time per stream):");
  for (const trial of result.benchmarks) {
    if (!trial.alias.includes("chunks")) continue;
    const avgNs = trial.runs[0]!.stats!.avg;
    console.log(`  ${trial.alias.padEnd(42)} ${((FRAMES_PER_STREAM / avgNs) * 1e3).toFixed(1)} M frames/s`);
  }
}
