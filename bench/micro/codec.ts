import { do_not_optimize } from "mitata";
import type { MicroModule } from "./micro.ts";

type Library = typeof import("../../src/index.ts");
type FrameCodec = typeof import("../../src/protocol/frame-codec.ts");
type Command = import("../../src/index.ts").RemotingCommand;

/**
 * Encode and decode of a typical request (SEND_MESSAGE_V2-like, 5 ext fields) and response, and of
 * a request with one ext field, both header types. Decode with the body view made at once
 * (decodeFrame, FrameDecoder's default) and lazily (what the endpoints' connections use), where a
 * send request's ROCKETMQ ext fields (code 310, as here) are also left as bytes until read: so
 * lazily once more, reading them (what a processor that decodes its header pays).
 */
export const codecBenches: MicroModule = async (root) => {
  const lib = (await import(`${root}src/index.ts`)) as Library;
  const { decodeFrameContent, encodeFrameInto } = (await import(`${root}src/protocol/frame-codec.ts`)) as FrameCodec;
  const body = new Uint8Array(64).fill(7);
  const request = (serializeType: "ROCKETMQ" | "JSON"): Command =>
    lib.createRequest(310, { extFields: { a: "please_rename_unique_group_name", b: "TopicTest", c: "TBW102", d: "4", e: "3" }, body, serializeType });
  const smallRequest = (serializeType: "ROCKETMQ" | "JSON"): Command => lib.createRequest(310, { extFields: { topic: "TopicTest" }, body, serializeType });
  const response = (serializeType: "ROCKETMQ" | "JSON"): Command =>
    lib.createResponse(0, null, { opaque: 12345, extFields: { msgId: "7F0000010F9C18B4AAC2", queueId: "3", queueOffset: "1024" }, body, serializeType });
  const writer = new lib.ByteWriter(4096);
  const encoded = (cmd: Command): Uint8Array => {
    writer.pos = 0;
    encodeFrameInto(writer, cmd);
    return writer.bytes.slice(0, writer.pos);
  };
  return (
    [
      ["request", request],
      ["request with 1 ext field", smallRequest],
      ["response", response],
    ] as const
  ).flatMap(([kind, make]) =>
    (["ROCKETMQ", "JSON"] as const).flatMap((type) => {
      const cmd = make(type);
      const frame = encoded(cmd);
      const group = `codec: ${kind}, ${type} header (${frame.length} B frame)`;
      const short = kind === "request";
      return [
        {
          group,
          name: "encode",
          short,
          fn: () => {
            writer.pos = 0;
            encodeFrameInto(writer, cmd);
            return do_not_optimize(writer.pos);
          },
        },
        { group, name: "decode", short, fn: () => do_not_optimize(decodeFrameContent(frame, 4, frame.length)) },
        // As RemotingServer / RemotingClient receive: the body view is made only when read.
        { group, name: "decode, lazy body", short, fn: () => do_not_optimize(decodeFrameContent(frame, 4, frame.length, true)) },
        { group, name: "decode, lazy body, ext fields read", short, fn: () => do_not_optimize(decodeFrameContent(frame, 4, frame.length, true).extFields) },
      ];
    }),
  );
};
