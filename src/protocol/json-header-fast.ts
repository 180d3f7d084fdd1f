import { setDecodedExtField } from "./ext-fields.ts";
import { JSON_DEFAULTS, normalizeLanguage } from "./json-header-fields.ts";
import { nextOpaque, type HeaderFields } from "./remoting-command.ts";
import { readUtf8, utf8Bytes } from "./utf8.ts";

/**
 * A hand-written parser for the JSON headers real peers send: one flat object with the known keys
 * in any order, integer numbers, strings (escapes in values read, not in keys), and a
 * string-to-string extFields map. Anything else (unknown or differently-cased keys, a bad escape,
 * numbers as strings, floats, nesting)
 * makes it give up with null, and the caller falls back to JSON.parse; so it never has to be right
 * about anything unusual, only fast about the usual. The fuzz tests hold it to the fallback.
 *
 * Positions live in local variables (registers), not in a state object: on this hot path that is
 * worth about 2x. No read goes past `end` into the body that follows the header.
 */

export const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
export const CLOSE = 0x7d;

const enum Key {
  Code,
  Flag,
  Opaque,
  Version,
  ExtFields,
  Language,
  Remark,
  SerializeType,
  Unknown,
}

// Key names with their closing quote; common values with both quotes.
const CODE = utf8Bytes('code"');
const FLAG = utf8Bytes('flag"');
const OPAQUE = utf8Bytes('opaque"');
const REMARK = utf8Bytes('remark"');
const VERSION = utf8Bytes('version"');
const LANGUAGE = utf8Bytes('language"');
const EXT_FIELDS = utf8Bytes('extFields"');
const SERIALIZE_TYPE = utf8Bytes('serializeTypeCurrentRPC"');
const JAVA = utf8Bytes('"JAVA"');
const JSON_VALUE = utf8Bytes('"JSON"');

/** Length of each key's name, by Key. */
const KEY_LENGTH = [CODE, FLAG, OPAQUE, VERSION, EXT_FIELDS, LANGUAGE, REMARK, SERIALIZE_TYPE].map((k) => k.length - 1);

function skipWhitespace(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    p++;
  }
  return p;
}

/** The index of the quote that closes the string opened before `p`, or -1 if it needs the full parser. */
function closingQuote(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p]!;
    if (c === QUOTE) return p;
    if (c === 0x5c || c < 0x20) return -1; // an escape, or a raw control character (invalid JSON)
    p++;
  }
  return -1;
}

function isNull(b: Uint8Array, p: number, end: number): boolean {
  return end - p >= 4 && b[p] === 0x6e && b[p + 1] === 0x75 && b[p + 2] === 0x6c && b[p + 3] === 0x6c;
}

/** Whether `b[p..]` holds `literal` (whose bytes are all ASCII). */
function matches(b: Uint8Array, p: number, end: number, literal: Uint8Array): boolean {
  const n = literal.length;
  if (end - p < n) return false;
  for (let i = 0; i < n; i++) if (b[p + i] !== literal[i]) return false;
  return true;
}

/**
 * Which key starts at the quote at `p`. Every known key has its own first letter, so one switch and
 * one comparison of the rest (closing quote included) decide, without scanning for the quote first.
 * Returns Unknown for anything else, including keys that merely start like a known one.
 */
function identifyKey(b: Uint8Array, p: number, end: number): Key {
  switch (b[p + 1]) {
    case 0x63: // c
      return matches(b, p + 1, end, CODE) ? Key.Code : Key.Unknown;
    case 0x65: // e
      return matches(b, p + 1, end, EXT_FIELDS) ? Key.ExtFields : Key.Unknown;
    case 0x66: // f
      return matches(b, p + 1, end, FLAG) ? Key.Flag : Key.Unknown;
    case 0x6c: // l
      return matches(b, p + 1, end, LANGUAGE) ? Key.Language : Key.Unknown;
    case 0x6f: // o
      return matches(b, p + 1, end, OPAQUE) ? Key.Opaque : Key.Unknown;
    case 0x72: // r
      return matches(b, p + 1, end, REMARK) ? Key.Remark : Key.Unknown;
    case 0x73: // s
      return matches(b, p + 1, end, SERIALIZE_TYPE) ? Key.SerializeType : Key.Unknown;
    case 0x76: // v
      return matches(b, p + 1, end, VERSION) ? Key.Version : Key.Unknown;
    default:
      return Key.Unknown;
  }
}

/** Where readJsonString stopped: after the closing quote. */
export const stringEnd = { pos: 0 };

/** What each one-letter escape stands for, by the letter's code: \" \\ \/ \b \f \n \r \t. */
const SIMPLE_ESCAPES: (string | undefined)[] = [];
for (const [letter, text] of [['"', '"'], ["\\", "\\"], ["/", "/"], ["b", "\b"], ["f", "\f"], ["n", "\n"], ["r", "\r"], ["t", "\t"]]) SIMPLE_ESCAPES[letter!.charCodeAt(0)] = text;

/** The value of a hex digit, or -1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * The string that starts at `p` (after its opening quote) and holds JSON escapes: a send's
 * properties travel as "\u0001" and "\u0002" in every Java client's JSON header, and JSON.parse
 * on the whole header costs several times more. The text between escapes is decoded as UTF-8 (an
 * escape is ASCII, so it never splits a character). Undefined for anything JSON does not allow
 * (a raw control character, an unknown escape, a short \u, no closing quote): the full parser decides.
 */
function readEscapedString(b: Uint8Array, p: number, end: number): string | undefined {
  let text = "";
  let run = p;
  while (p < end) {
    const c = b[p]!;
    if (c === QUOTE) {
      stringEnd.pos = p + 1;
      return text + readUtf8(b, run, p);
    }
    if (c < 0x20) return undefined;
    if (c !== 0x5c) {
      p++;
      continue;
    }
    text += readUtf8(b, run, p);
    if (p + 1 >= end) return undefined;
    const e = b[p + 1]!;
    p += 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      text += simple;
    } else if (e === 0x75 && p + 4 <= end) {
      // \uXXXX: a bad digit (-1) makes the whole code negative.
      const code = (hexDigit(b[p]!) << 12) | (hexDigit(b[p + 1]!) << 8) | (hexDigit(b[p + 2]!) << 4) | hexDigit(b[p + 3]!);
      if (code < 0) return undefined;
      text += String.fromCharCode(code);
      p += 4;
    } else {
      return undefined;
    }
    run = p;
  }
  return undefined;
}

/**
 * The string value whose opening quote is just before `p`, escapes read; undefined when the full
 * parser must decide. stringEnd.pos is then just after its closing quote.
 */
export function readJsonString(b: Uint8Array, p: number, end: number): string | undefined {
  const close = closingQuote(b, p, end);
  if (close < 0) return readEscapedString(b, p, end);
  stringEnd.pos = close + 1;
  return readUtf8(b, p, close);
}

/** Where scanExtFields stopped (a field, not a module `let`: cheaper for JSC to reach). */
export const extEnd = { pos: 0 };

/** The extFields object that starts with `{` at `p`, or undefined if it needs the full parser. */
export function scanExtFields(b: Uint8Array, p: number, end: number): Record<string, string> | undefined {
  const ext: Record<string, string> = {};
  p = skipWhitespace(b, p + 1, end);
  if (p < end && b[p] === CLOSE) {
    extEnd.pos = p + 1;
    return ext;
  }
  for (;;) {
    if (p >= end || b[p] !== QUOTE) return undefined;
    const keyStart = p + 1;
    const keyEnd = closingQuote(b, keyStart, end);
    if (keyEnd < 0) return undefined;
    p = keyEnd + 1;
    if (p < end && b[p] !== COLON) p = skipWhitespace(b, p, end);
    if (p >= end || b[p] !== COLON) return undefined;
    p++;
    if (p < end && b[p] !== QUOTE) p = skipWhitespace(b, p, end);
    if (p < end && b[p] === QUOTE) {
      const value = readJsonString(b, p + 1, end);
      if (value === undefined) return undefined;
      setDecodedExtField(ext, readUtf8(b, keyStart, keyEnd), value, keyEnd - keyStart); // an escaped key went to the full parser
      p = stringEnd.pos;
    } else if (isNull(b, p, end)) {
      p += 4;
    } else {
      return undefined;
    }
    if (p < end && b[p] !== COMMA && b[p] !== CLOSE) p = skipWhitespace(b, p, end);
    if (p >= end) return undefined;
    const c = b[p++];
    if (c === CLOSE) {
      extEnd.pos = p;
      return ext;
    }
    if (c !== COMMA) return undefined;
    p = skipWhitespace(b, p, end);
  }
}

/** Where readInt stopped, or -1 when the number needs the full parser (a field, as extEnd). */
export const intEnd = { pos: 0 };

/**
 * The int32 at `p` in plain JSON syntax. Floats, exponents, leading zeros, strings and values out
 * of range set intEnd.pos to -1: the full parser decides. Never NaN or a double (see opaque below).
 */
export function readInt(b: Uint8Array, p: number, end: number): number {
  const negative = p < end && b[p] === 0x2d;
  const first = negative ? p + 1 : p;
  let i = first;
  let value = 0;
  while (i < end) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    i++;
  }
  const digits = i - first;
  if (digits === 0 || digits > 10 || (digits > 1 && b[first] === 0x30) || (i < end && (b[i] === 0x2e || b[i] === 0x65 || b[i] === 0x45))) {
    intEnd.pos = -1;
    return 0;
  }
  if (negative) value = -value;
  if (value > 2147483647 || value < -2147483648) {
    intEnd.pos = -1;
    return 0;
  }
  intEnd.pos = i;
  return value | 0; // also turns -0 into 0
}

/** Parses the header in `b[start, end)` into `out`; false when the full parser must decide. */
export function parseJsonHeaderFast(b: Uint8Array, start: number, end: number, out: HeaderFields): boolean {
  let code: number = JSON_DEFAULTS.code;
  let language: string = JSON_DEFAULTS.language;
  let version: number = JSON_DEFAULTS.version;
  let flag: number = JSON_DEFAULTS.flag;
  // Not NaN for "absent": a variable that can hold NaN is a double, and the double-boxed opaque it
  // stores makes every int32-speculating reader downstream deoptimize again and again.
  let opaque = 0;
  let hasOpaque = false;
  let remark: string | null = null;
  let extFields: Record<string, string> | null = null;

  let p = skipWhitespace(b, start, end);
  if (p >= end || b[p] !== OPEN) return false;
  p = skipWhitespace(b, p + 1, end);
  if (p < end && b[p] === CLOSE) p++;
  else {
    for (;;) {
      if (p >= end || b[p] !== QUOTE) return false;
      const key = identifyKey(b, p, end);
      if (key === Key.Unknown) return false;
      p += KEY_LENGTH[key]! + 2;
      if (p < end && b[p] !== COLON) p = skipWhitespace(b, p, end);
      if (p >= end || b[p] !== COLON) return false;
      p++;
      if (p < end && b[p]! <= 0x20) p = skipWhitespace(b, p, end);
      if (key <= Key.Version) {
        const value = readInt(b, p, end);
        if (intEnd.pos < 0) return false;
        p = intEnd.pos;
        if (key === Key.Code) code = value;
        else if (key === Key.Flag) flag = value;
        else if (key === Key.Opaque) {
          opaque = value;
          hasOpaque = true;
        }
        else version = value;
      } else if (key === Key.ExtFields) {
        if (isNull(b, p, end)) {
          extFields = null;
          p += 4;
        } else {
          if (p >= end || b[p] !== OPEN) return false;
          const ext = scanExtFields(b, p, end);
          if (ext === undefined) return false;
          extFields = ext;
          p = extEnd.pos;
        }
      } else if (key === Key.Language && matches(b, p, end, JAVA)) {
        language = "JAVA";
        p += JAVA.length;
      } else if (key === Key.SerializeType && matches(b, p, end, JSON_VALUE)) {
        p += JSON_VALUE.length;
      } else if (p < end && b[p] === QUOTE) {
        const value = readJsonString(b, p + 1, end);
        if (value === undefined) return false;
        // serializeTypeCurrentRPC is informational only: the frame's type byte decides.
        if (key === Key.Language) language = normalizeLanguage(value);
        else if (key === Key.Remark) remark = value;
        p = stringEnd.pos;
      } else if (key === Key.Remark && isNull(b, p, end)) {
        remark = null;
        p += 4;
      } else {
        return false;
      }
      if (p < end && b[p] !== COMMA && b[p] !== CLOSE) p = skipWhitespace(b, p, end);
      if (p >= end) return false;
      const c = b[p++];
      if (c === CLOSE) break;
      if (c !== COMMA) return false;
      p = skipWhitespace(b, p, end);
    }
  }
  p = skipWhitespace(b, p, end);
  if (p !== end) return false;
  out.code = code;
  out.language = language;
  out.version = version;
  out.opaque = hasOpaque ? opaque : nextOpaque();
  out.flag = flag;
  out.remark = remark;
  out.extFields = extFields;
  return true;
}
