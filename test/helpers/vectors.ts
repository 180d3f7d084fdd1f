import type { RemotingCommand, SerializeType } from "../../src/index.ts";
import vectors from "../fixtures/rocketmq-frames.json";

/** The Java-produced frames of ../fixtures/rocketmq-frames.json, as commands and bytes. */
export interface Vector {
  id: string;
  group: "frames" | "live" | "captures";
  frame: Uint8Array;
  /** The command the frame was encoded from (what encodeFrame must reproduce byte for byte). */
  command: RemotingCommand;
  /** What decoding the frame must give (ROCKETMQ turns "" and {} into null). */
  decoded: RemotingCommand;
}

export interface NegativeVector {
  id: string;
  description: string;
  frame: Uint8Array;
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

interface RawFields {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string> | null;
  body: string | null;
}

function command(fields: RawFields, serializeType: SerializeType): RemotingCommand {
  return {
    code: fields.code,
    language: fields.language,
    version: fields.version,
    opaque: fields.opaque,
    flag: fields.flag,
    remark: fields.remark,
    extFields: fields.extFields === null ? null : { ...fields.extFields },
    body: fields.body === null ? null : fromHex(fields.body),
    serializeType,
  };
}

type RawVector = { id: string; serializeType: SerializeType; frameHex: string; decodesTo: Partial<RawFields> } & Partial<RawFields>;

function load(group: Vector["group"]): Vector[] {
  return ((vectors as Record<string, unknown>)[group] as RawVector[]).map((v) => {
    // "frames" list their fields at the top level and what decoding changes in decodesTo;
    // "live" and "captures" give everything in decodesTo.
    const source = { ...(v as RawFields), ...(group === "frames" ? {} : (v.decodesTo as RawFields)) };
    const decodedFields = { ...source, ...v.decodesTo } as RawFields;
    return {
      id: v.id,
      group,
      frame: fromHex(v.frameHex),
      command: command(source, v.serializeType),
      decoded: command(decodedFields, v.serializeType),
    };
  });
}

export const positiveVectors: Vector[] = [...load("frames"), ...load("live"), ...load("captures")];

export const negativeVectors: NegativeVector[] = (
  (vectors as Record<string, unknown>).negative as { id: string; description: string; frameHex: string }[]
).map((v) => ({ id: v.id, description: v.description, frame: fromHex(v.frameHex) }));

/** The fields of a command as a plain object, for deep equality (body as hex). */
export function plain(cmd: RemotingCommand): Record<string, unknown> {
  return {
    code: cmd.code,
    language: cmd.language,
    version: cmd.version,
    opaque: cmd.opaque,
    flag: cmd.flag,
    remark: cmd.remark,
    extFields: cmd.extFields === null ? null : { ...cmd.extFields },
    body: cmd.body === null ? null : toHex(cmd.body),
    serializeType: cmd.serializeType,
  };
}
