import { decodeFrame, encodeFrame, type RemotingCommand, type SerializeType } from "../../src/index.ts";
import file from "../fixtures/rocketmq-messages.json";
import { fromHex, toHex } from "./vectors.ts";

/*
 * The message-level vectors of ../fixtures/rocketmq-messages.json: frames captured between the
 * real Java 4.9.8 client, broker and name server, with Java's own decoding of every header and body.
 */

export interface RecordDecode {
  recordOffset: number;
  storeSize: number;
  magicCode: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  storedBodyLength: number;
  topic: string;
  propertiesLength: number;
  propertiesString: string;
  properties: Record<string, string>;
  tags?: string;
  keys?: string;
  msgId: string;
  offsetMsgId: string;
  compressed: boolean;
  bodyUtf8?: string;
  uncompressedBodyUtf8?: string;
}

export interface BatchRecordDecode {
  recordOffset: number;
  totalSize: number;
  flag: number;
  bodyLength: number;
  bodyUtf8: string;
  propertiesLength: number;
  propertiesString: string;
  properties: Record<string, string>;
}

export interface Decoded {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string> | null;
  properties?: { pairsInWireOrder: [string, string][]; javaMap: Record<string, string> };
  body: {
    hex: string;
    utf8?: string;
    sysFlag?: number;
    compressed?: boolean;
    uncompressedUtf8?: string;
    messages?: (RecordDecode | BatchRecordDecode)[];
  } | null;
}

export interface MessageVector {
  id: string;
  serializeType: SerializeType;
  kind: string;
  run: "json" | "client-rmq" | "all-rmq";
  type: "request" | "oneway request" | "response";
  code: number;
  requestCode: number;
  pairedWith?: string;
  description: string;
  frameHex: string;
  decodesTo: Decoded;
  frame: Uint8Array;
  command: RemotingCommand;
}

export const messageVectors: MessageVector[] = (file as unknown as { vectors: Omit<MessageVector, "frame" | "command">[] }).vectors.map((v) => {
  const frame = fromHex(v.frameHex);
  return { ...v, frame, command: decodeFrame(frame) };
});

export const vectorById = new Map(messageVectors.map((v) => [v.id, v]));

export function vector(id: string): MessageVector {
  const v = vectorById.get(id);
  if (v === undefined) throw new Error(`no vector ${id}`);
  return v;
}

/** The fields a command built from a vector's decoding must carry to encode to the captured frame. */
export function frameFields(v: MessageVector): { opaque: number; flag: number; version: number; language: string; serializeType: SerializeType; remark: string | null } {
  const d = v.decodesTo;
  return { opaque: d.opaque, flag: d.flag, version: d.version, language: d.language, serializeType: v.serializeType, remark: d.remark };
}

/**
 * `cmd` encoded with its extFields put in the order the captured frame has them (Java's HashMap
 * order, which no reader depends on), as hex. Fails the comparison if the key sets differ.
 */
export function encodeInWireOrder(cmd: RemotingCommand, v: MessageVector): string {
  const wire = v.decodesTo.extFields;
  if (cmd.extFields !== null && wire !== null) {
    const ordered: Record<string, string> = {};
    for (const key of Object.keys(wire)) if (key in cmd.extFields) ordered[key] = cmd.extFields[key]!;
    for (const key of Object.keys(cmd.extFields)) if (!(key in ordered)) ordered[key] = cmd.extFields[key]!;
    cmd = { code: cmd.code, language: cmd.language, version: cmd.version, opaque: cmd.opaque, flag: cmd.flag, remark: cmd.remark, extFields: ordered, body: cmd.body, serializeType: cmd.serializeType };
  }
  return toHex(encodeFrame(cmd));
}

export { fromHex, toHex };
