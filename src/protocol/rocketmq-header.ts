import { RemotingCommandError } from "../errors.ts";
import { ByteWriter, readInt16, readInt32 } from "./byte-writer.ts";
import { isEncodableExt, refusal } from "./command-fields.ts";
import { refuseExtValue } from "./ext-fields.ts";
import { RPC_TYPE_RESPONSE } from "./flags.ts";
import { languageByte, languageName } from "./language-code.ts";
import { RequestCode } from "./request-code.ts";
import { failRocketmqHeader, readExtFields } from "./rocketmq-ext-fields.ts";
import type { HeaderFields, RemotingCommand } from "./remoting-command.ts";
import { maxUtf8Length, readUtf8, writeUtf8 } from "./utf8.ts";

/**
 * The ROCKETMQ binary header (serialize type 1), RocketMQSerializable in Java:
 *   code int16 | language byte | version int16 | opaque int32 | flag int32 |
 *   remarkLength int32 | remark | extLength int32 | { keyLength int16 | key | valueLength int32 | value }*
 * Zero lengths mean null: "" does not survive a round trip, as in Java 4.9.4+.
 */
const ROCKETMQ_FIXED_HEADER_LENGTH = 21;

/** Whether `code` and `version` fit the header's int16 fields. */
export function fitsRocketmqHeader(cmd: RemotingCommand): boolean {
  return cmd.code === ((cmd.code << 16) >> 16) && cmd.version === ((cmd.version << 16) >> 16);
}

/**
 * Writes `s` as UTF-8 at `b[p]` (room made by the caller) and returns its length, or -1 when `s`
 * has a lone surrogate: that has no UTF-8 form (Java would send "?", the encoder U+FFFD), so the
 * peer would get another string; the caller refuses it. Only non-ASCII text, whose byte count
 * differs from its length, pays for the check.
 */
function writeText(b: Uint8Array, p: number, s: string): number {
  const n = writeUtf8(b, p, s);
  return n === s.length || (s as unknown as { isWellFormed(): boolean }).isWellFormed() ? n : -1;
}

function loneSurrogate(field: string): RemotingCommandError {
  return new RemotingCommandError(`cannot encode command: ${field} has a lone surrogate, which a ROCKETMQ header cannot carry`);
}

/**
 * Appends the header of `cmd` at `w.pos`; the caller checked fitsRocketmqHeader(cmd), the int32
 * fields and the body. The other fields are checked here, as they are read (command-fields.ts).
 */
export function encodeRocketmqHeader(w: ByteWriter, cmd: RemotingCommand): void {
  const lang = languageByte(cmd.language);
  const remark = cmd.remark;
  if (lang < 0 || (remark != null && typeof remark !== "string")) throw refusal(cmd);
  w.ensure(ROCKETMQ_FIXED_HEADER_LENGTH + (remark == null ? 0 : maxUtf8Length(remark)));
  w.syncView();
  let b = w.bytes;
  let v = w.view; // a store of a length or int field through it is one store, not 2 or 4
  let p = w.pos;
  v.setInt16(p, cmd.code);
  b[p + 2] = lang;
  v.setInt16(p + 3, cmd.version);
  v.setInt32(p + 5, cmd.opaque);
  v.setInt32(p + 9, cmd.flag);
  const remarkLength = remark == null ? 0 : writeText(b, p + 17, remark);
  if (remarkLength < 0) throw loneSurrogate("remark");
  v.setInt32(p + 13, remarkLength);
  p += 17 + remarkLength;
  const ext = cmd.extFields;
  const extLengthAt = p;
  p += 4;
  if (ext != null) {
    if (!isEncodableExt(ext)) throw refusal(cmd);
    for (const key in ext) {
      const raw = ext[key];
      if (raw === null || raw === undefined) continue; // Java skips null values
      const value = typeof raw === "string" ? raw : refuseExtValue(key, raw);
      w.pos = p;
      w.ensure(6 + maxUtf8Length(key) + maxUtf8Length(value));
      b = w.bytes;
      v = w.view;
      const keyLength = writeText(b, p + 2, key);
      if (keyLength < 0) throw loneSurrogate("an extFields key");
      if (keyLength > 0x7fff) throw new RemotingCommandError(`extFields key too long for a ROCKETMQ header: ${keyLength} bytes`);
      v.setInt16(p, keyLength);
      p += 2 + keyLength;
      const valueLength = writeText(b, p + 4, value);
      if (valueLength < 0) throw loneSurrogate(`extFields.${key}`);
      v.setInt32(p, valueLength);
      p += 4 + valueLength;
    }
  }
  v.setInt32(extLengthAt, p - extLengthAt - 4);
  w.pos = p;
}

/**
 * Whether a received request's ext fields stay bytes until read: SEND_MESSAGE_V2's and
 * SEND_BATCH_MESSAGE's, which BrokerLite reads straight from the bytes (rocketmq/send-header-bytes.ts).
 * Any other command's are made strings at once: checking them first and making them on first read
 * costs a processor that reads them about 35 ns more (5 fields: 101-103 against 135-142 ns,
 * bench/codec.bench.ts), which only a header nobody reads as strings pays back.
 */
function keepsExtFieldBytes(code: number): boolean {
  return code === RequestCode.SEND_MESSAGE_V2 || code === RequestCode.SEND_BATCH_MESSAGE;
}

/**
 * Decodes the header in `b[p, end)` into `out`; every byte of it must be accounted for. With
 * `lazyExt`, a request that keepsExtFieldBytes has its ext fields only checked: `out.extStart` says
 * where they start (-1: none), and `out.extFields` is null until they are decoded from `b` (see
 * ReceivedCommand).
 */
export function decodeRocketmqHeader(b: Uint8Array, p: number, end: number, out: HeaderFields, lazyExt = false): void {
  const length = end - p;
  if (length < ROCKETMQ_FIXED_HEADER_LENGTH) failRocketmqHeader(`${length} bytes is shorter than the 21-byte fixed part`);
  const code = readInt16(b, p);
  const language = languageName(b[p + 2]!);
  const version = readInt16(b, p + 3);
  const opaque = readInt32(b, p + 5);
  const flag = readInt32(b, p + 9);
  const remarkLength = readInt32(b, p + 13);
  p += 17;
  if (remarkLength < 0 || remarkLength > end - p - 4) failRocketmqHeader(`remark length ${remarkLength} runs past the ${length}-byte header`);
  const remark = remarkLength === 0 ? null : readUtf8(b, p, p + remarkLength);
  p += remarkLength;
  const extLength = readInt32(b, p);
  p += 4;
  if (extLength !== end - p) {
    failRocketmqHeader(extLength < 0 || extLength > end - p
      ? `extFields length ${extLength} runs past the ${length}-byte header`
      : `${end - p - extLength} unaccounted bytes after extFields`);
  }
  const lazy = lazyExt && extLength > 0 && (flag & RPC_TYPE_RESPONSE) === 0 && keepsExtFieldBytes(code);
  out.extFields = extLength === 0 ? null : readExtFields(b, p, end, !lazy);
  out.extStart = lazy ? p : -1;
  out.code = code;
  out.language = language;
  out.version = version;
  out.opaque = opaque;
  out.flag = flag;
  out.remark = remark;
}
