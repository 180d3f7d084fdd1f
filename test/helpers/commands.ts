import { createRequest, createResponse, type RemotingCommand, type SerializeType } from "../../src/index.ts";
import type { Random } from "./random.ts";

/** A random command exercising what the codec must carry: unicode, empty and null fields, int32 edges. */
export function randomCommand(rng: Random, options: { maxBody?: number; serializeType?: SerializeType } = {}): RemotingCommand {
  const serializeType = options.serializeType ?? rng.pick(["JSON", "ROCKETMQ"] as const);
  const extFields = rng.bool(0.2) ? null : ({} as Record<string, string>);
  if (extFields !== null) {
    const n = rng.int(0, 6);
    for (let i = 0; i < n; i++) extFields[`${rng.pick(["topic", "queueId", "k", "名前", "x"])}${i}`] = rng.string(20);
  }
  const bodyLength = rng.bool(0.3) ? 0 : rng.int(1, options.maxBody ?? 300);
  const init = {
    language: rng.pick(["JAVA", "GO", "CPP", "RUST", "NODE_JS", "OTHER"]),
    version: rng.pick([0, 317, 401, 479, -1, 32767]),
    opaque: rng.pick([0, 1, -1, 2147483647, -2147483648, rng.int32()]),
    remark: rng.bool(0.3) ? null : rng.bool(0.2) ? "" : rng.string(40),
    extFields,
    body: bodyLength === 0 ? null : rng.bytes(bodyLength),
    serializeType,
  };
  const code = rng.pick([0, 1, 10, 105, 310, 32767, -5, rng.int(0, 5000)]);
  const cmd = rng.bool() ? createRequest(code, init) : createResponse(code, init.remark, init);
  if (rng.bool(0.1)) cmd.flag |= 2;
  return cmd;
}

/** What decoding must give for `cmd`: ROCKETMQ turns "" and empty maps (and "" map entries) into null. */
export function expectedAfterRoundTrip(cmd: RemotingCommand): RemotingCommand {
  if (cmd.serializeType === "JSON") return cmd;
  const ext = cmd.extFields;
  const extFields =
    ext === null || Object.keys(ext).length === 0
      ? null
      : Object.fromEntries(Object.entries(ext).filter(([key, value]) => key !== "" && value !== ""));
  return { ...cmd, remark: cmd.remark === "" ? null : cmd.remark, extFields };
}
