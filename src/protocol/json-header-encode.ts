import type { ByteWriter } from "./byte-writer.ts";
import { isEncodableExt, refusal } from "./command-fields.ts";
import type { ByteLiteral } from "./byte-literal.ts";
import { CODE, EXT_FIELDS, FLAG, flagThenJavaThenOpaque, JAVA_THEN_OPAQUE, LANGUAGE, OPAQUE, REMARK, TAIL, tailWithVersion } from "./json-header-fragments.ts";
import { refuseExtValue } from "./ext-fields.ts";
import { languageByte } from "./language-code.ts";
import type { RemotingCommand } from "./remoting-command.ts";
import { writeUtf8 } from "./utf8.ts";

/*
 * The JSON header exactly as fastjson 1.x writes a Java RemotingCommand: its fixed fragments
 * (json-header-fragments.ts) around the values, ext fields in insertion order, null remark and
 * extFields left out, non-ASCII as raw UTF-8.
 */

/** Room for every fixed fragment and four integers. */
const FIXED_ROOM = 160;

/** "00" to "99", two ASCII digits each, the tens in the low byte. */
const DIGIT_PAIRS = new Uint16Array(100);
for (let i = 0; i < 100; i++) DIGIT_PAIRS[i] = (0x30 + Math.floor(i / 10)) | ((0x30 + (i % 10)) << 8);

/**
 * Writes an int32 in decimal; the caller made room for 11 bytes. Two digits a step from a table,
 * in int arithmetic: a digit a step through `% 10` and `/ 10` cost 4x as much.
 */
function writeInt(w: ByteWriter, value: number): void {
  const b = w.bytes;
  let p = w.pos;
  let v = value;
  if (v < 0) {
    b[p++] = 0x2d;
    v = -v;
  }
  const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 1e4 ? 4 : v < 1e5 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
  let i = p + digits;
  while (v >= 100) {
    const q = (v / 100) | 0;
    const pair = DIGIT_PAIRS[v - q * 100]!;
    b[--i] = pair >> 8;
    b[--i] = pair & 0xff;
    v = q;
  }
  if (v >= 10) {
    const pair = DIGIT_PAIRS[v]!;
    b[--i] = pair >> 8;
    b[--i] = pair & 0xff;
  } else b[--i] = 0x30 + v;
  w.pos = p + digits;
}

/**
 * Writes `s` as a JSON string literal at `b[p]` when it is plain ASCII with nothing to escape (the
 * caller made room for its length + 2), and returns where it ends; -1 when it is not, for
 * writeString's escaping path.
 */
function writePlainString(b: Uint8Array, p: number, s: string): number {
  const n = s.length;
  b[p] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f) return -1;
    b[p + 1 + i] = c;
  }
  b[p + 1 + n] = 0x22;
  return p + n + 2;
}

/**
 * Writes `s` as a JSON string literal. Plain ASCII is copied directly; anything that needs escaping
 * or UTF-8 goes through JSON.stringify, which escapes exactly what fastjson escapes for these strings
 * (quote, backslash, control characters as \b \f \n \r \t or \u00xx) and leaves the rest raw.
 */
function writeString(w: ByteWriter, s: string): void {
  w.ensure(s.length + 2);
  const end = writePlainString(w.bytes, w.pos, s);
  if (end >= 0) w.pos = end;
  else writeEscaped(w, s);
}

function writeEscaped(w: ByteWriter, s: string): void {
  const literal = JSON.stringify(s);
  w.ensure(literal.length * 3);
  w.pos += writeUtf8(w.bytes, w.pos, literal);
}

/** Writes the ext fields, an entry at a time in local variables: plain ASCII keys and values in one pass, others through writeString. */
function writeExtFields(w: ByteWriter, ext: Record<string, unknown>): void {
  EXT_FIELDS.writeTo(w);
  let first = true;
  for (const key in ext) {
    const raw = ext[key];
    if (raw === null || raw === undefined) continue; // fastjson leaves null map values out
    const value = typeof raw === "string" ? raw : refuseExtValue(key, raw);
    w.ensure(key.length + value.length + 6); // a comma, a colon and four quotes
    const b = w.bytes;
    let start = w.pos;
    if (!first) b[start++] = 0x2c;
    first = false;
    let p = writePlainString(b, start, key);
    if (p >= 0) {
      b[p] = 0x3a;
      p = writePlainString(b, p + 1, value);
    }
    if (p >= 0) {
      w.pos = p;
      continue;
    }
    w.pos = start;
    writeString(w, key);
    w.ensure(1);
    w.bytes[w.pos++] = 0x3a;
    writeString(w, value);
  }
  w.ensure(1);
  w.bytes[w.pos++] = 0x7d;
}

/** How many versions get a tail fragment of their own: a process sends one version or a few. */
const TAIL_VERSIONS = 4;
const tailVersions: number[] = [];
const tails: ByteLiteral[] = [];

/**
 * The tail of a header with this version (tailWithVersion: an integer less to write), made on the
 * version's first use; null once TAIL_VERSIONS versions have one, so that no sender can grow this.
 */
function tailOf(version: number): ByteLiteral | null {
  for (let i = 0; i < tailVersions.length; i++) if (tailVersions[i] === version) return tails[i]!;
  if (tailVersions.length === TAIL_VERSIONS) return null;
  tailVersions.push(version);
  tails.push(tailWithVersion(version));
  return tails[tails.length - 1]!;
}

/**
 * Appends the JSON header of `cmd` at `w.pos`; the caller checked the int32 fields and the body.
 * The other fields are checked here, as they are read (command-fields.ts).
 */
export function encodeJsonHeader(w: ByteWriter, cmd: RemotingCommand): void {
  w.syncView(); // from here on only the writer itself replaces its bytes, and it keeps its view in step
  w.ensure(FIXED_ROOM);
  CODE.writeTo(w);
  writeInt(w, cmd.code);
  const ext = cmd.extFields;
  if (ext != null) {
    if (!isEncodableExt(ext)) throw refusal(cmd);
    writeExtFields(w, ext);
    w.ensure(FIXED_ROOM);
  }
  const flag = cmd.flag;
  const language = cmd.language;
  const common = language === "JAVA" ? flagThenJavaThenOpaque(flag) : null;
  if (common !== null) common.writeTo(w);
  else {
    FLAG.writeTo(w);
    writeInt(w, flag);
    if (language === "JAVA") JAVA_THEN_OPAQUE.writeTo(w);
    else {
      if (typeof language !== "string" || languageByte(language) < 0) throw refusal(cmd);
      LANGUAGE.writeTo(w);
      writeString(w, language);
      w.ensure(FIXED_ROOM);
      OPAQUE.writeTo(w);
    }
  }
  writeInt(w, cmd.opaque);
  const remark = cmd.remark;
  if (remark != null) {
    if (typeof remark !== "string") throw refusal(cmd);
    REMARK.writeTo(w);
    writeString(w, remark);
    w.ensure(FIXED_ROOM);
  }
  const tail = tailOf(cmd.version);
  if (tail !== null) tail.writeTo(w);
  else {
    TAIL.writeTo(w);
    writeInt(w, cmd.version);
    w.bytes[w.pos++] = 0x7d;
  }
}
