import { RemotingCommandError } from "../errors.ts";
import { headerValueText } from "./custom-header.ts";
import { describeValue } from "./describe-value.ts";
import { setExtField } from "./ext-fields.ts";
import { languageByte } from "./language-code.ts";
import type { SerializeType } from "./serialize-type.ts";
import { utf8Bytes } from "./utf8.ts";

/**
 * What each command field may hold, checked twice.
 *
 * Creating: what createRequest / createResponse accept, turned into what a command holds. A value
 * of a wrong type is a programming error: a TypeError naming the function and the field, thrown
 * before any command exists.
 *
 * - code, opaque, version: numbers (int32 on the wire: checked when encoded); flag an int32.
 * - language a LanguageCode name; serializeType "JSON" or "ROCKETMQ"; remark a string or null.
 * - body: a Uint8Array (a Buffer too) is kept as it is; any other ArrayBufferView or an ArrayBuffer
 *   becomes a Uint8Array view of exactly its bytes (no copy); a string its UTF-8 bytes;
 *   null/undefined no body.
 * - extFields: a plain object. String values are kept; numbers, bigints and booleans become the
 *   strings Java's String.valueOf writes (as typed custom headers do, since Java's extFields is a
 *   HashMap<String, String>); null and undefined values are left out, as Java leaves out null map
 *   values. The caller's object is kept when every value is already a string, and copied otherwise.
 *
 * Encoding: commands are plain objects that anyone may change after creation, so the encoders
 * check again, with no coercion: code, opaque, flag and version int32; language a LanguageCode
 * name; remark a string; extFields a plain object whose values are strings; body a Uint8Array;
 * serializeType "JSON" or "ROCKETMQ". remark, extFields and body may be null or undefined (none),
 * and null or undefined ext values are left out, as Java leaves out null map values. Anything else
 * is a RemotingCommandError naming the field (refusal()), thrown before the frame is complete; the
 * caller's writer is left as it was.
 */

/** Whether `value` is an object literal or Object.create(null): the only extFields shape. */
export function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isInt32(value: unknown): value is number {
  return typeof value === "number" && (value | 0) === value;
}

/** How a wrong value is named in a creation error: as a number, a quoted string, or else by its kind. */
const enum Shown {
  Number,
  String,
  Kind,
}

/**
 * The creation TypeError for `field`. Kept out of the checkers below: a throw with its message is
 * most of a checker's code, and small checkers are what the JITs inline into every createRequest.
 */
function wrongType(fn: string, field: string, expected: string, value: unknown, shown: Shown): never {
  const got =
    shown === Shown.Number && typeof value === "number" ? String(value) : shown === Shown.String && typeof value === "string" ? JSON.stringify(value) : describeValue(value);
  throw new TypeError(`${fn}: ${field} must be ${expected}, got ${got}`);
}

/**
 * A numeric field at creation: a number, or a TypeError. Whether it fits the wire's int32 is the
 * encoder's check (a RemotingCommandError when sent), except for `flag`, which creation combines
 * with the response and oneway bits and so must already be an int32 (nothing is silently wrapped).
 */
export function commandNumber(fn: string, field: string, value: unknown): number {
  if (typeof value !== "number") wrongType(fn, field, "a number (an int32)", value, Shown.Number);
  return value;
}

export function commandFlag(fn: string, value: unknown): number {
  if (!isInt32(value)) wrongType(fn, "flag", "an int32", value, Shown.Number);
  return value;
}

export function commandLanguage(fn: string, value: unknown): string {
  if (typeof value !== "string" || languageByte(value) < 0) wrongType(fn, "language", "a LanguageCode name (JAVA, GO, ...)", value, Shown.String);
  return value;
}

export function commandSerializeType(fn: string, value: unknown): SerializeType {
  if (value !== "JSON" && value !== "ROCKETMQ") wrongType(fn, "serializeType", '"JSON" or "ROCKETMQ"', value, Shown.String);
  return value;
}

export function commandRemark(fn: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") wrongType(fn, "remark", "a string or null", value, Shown.Kind);
  return value;
}

export function commandBody(fn: string, value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value === null || value === undefined) return null;
  return otherBody(fn, value);
}

/** A body given as something other than a Uint8Array (the rare case, out of the inlined check). */
function otherBody(fn: string, value: unknown): Uint8Array {
  if (typeof value === "string") return utf8Bytes(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return new Uint8Array(value);
  return wrongType(fn, "body", "a Uint8Array, ArrayBufferView, ArrayBuffer or string", value, Shown.Kind);
}

export function commandExtFields(fn: string, value: unknown): Record<string, string> | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object" || !isPlainObject(value)) wrongType(fn, "extFields", "a plain object of strings", value, Shown.Kind);
  const source = value as Record<string, unknown>;
  for (const key in source) {
    if (typeof source[key] !== "string") return coercedExtFields(fn, source);
  }
  return source as Record<string, string>;
}

function coercedExtFields(fn: string, source: Record<string, unknown>): Record<string, string> {
  const ext: Record<string, string> = {};
  for (const key in source) {
    const value = source[key];
    if (value === null || value === undefined) continue;
    const text = headerValueText(value);
    if (text === undefined) {
      throw new TypeError(`${fn}: extFields.${key} must be a string (or a number, bigint or boolean), got ${describeValue(value)}`);
    }
    setExtField(ext, key, text);
  }
  return ext;
}

/** The RemotingCommandError for a command the encoders refuse, naming its first bad field. */
export function refusal(cmd: object, cause?: unknown): RemotingCommandError {
  const why = describeBadField(cmd as Record<string, unknown>) ?? (cause instanceof Error ? cause.message : String(cause));
  return new RemotingCommandError(`cannot encode command: ${why}`, cause === undefined ? undefined : { cause });
}

/** What is wrong with a command (the slow path, for the message), or null if no field is. */
function describeBadField(cmd: Record<string, unknown>): string | null {
  for (const field of ["code", "opaque", "flag", "version"]) {
    const value = cmd[field];
    if (!isInt32(value)) return `${field} must be an int32, got ${typeof value === "number" ? value : describeValue(value)}`;
  }
  const { language, remark, extFields, body, serializeType } = cmd;
  if (typeof language !== "string" || languageByte(language) < 0) {
    return `language must be a LanguageCode name, got ${typeof language === "string" ? JSON.stringify(language) : describeValue(language)}`;
  }
  if (remark != null && typeof remark !== "string") return `remark must be a string or null, got ${describeValue(remark)}`;
  if (extFields != null && (typeof extFields !== "object" || !isPlainObject(extFields))) {
    return `extFields must be a plain object of strings or null, got ${describeValue(extFields)}`;
  }
  if (body != null && !(body instanceof Uint8Array)) return `body must be a Uint8Array or null, got ${describeValue(body)}`;
  if (serializeType !== "JSON" && serializeType !== "ROCKETMQ") {
    return `serializeType must be "JSON" or "ROCKETMQ", got ${typeof serializeType === "string" ? JSON.stringify(serializeType) : describeValue(serializeType)}`;
  }
  return null;
}

/** Whether `ext` is an extFields object the encoders take (its values are checked as they are written). */
export function isEncodableExt(ext: unknown): boolean {
  return typeof ext === "object" && ext !== null && isPlainObject(ext);
}
