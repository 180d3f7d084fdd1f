import { RemotingCommandError } from "../errors.ts";
import { setExtField } from "./ext-fields.ts";
import { parseJsonHeaderFast } from "./json-header-fast.ts";
import { JSON_DEFAULTS, normalizeLanguage } from "./json-header-fields.ts";
import { LANGUAGE_NAMES } from "./language-code.ts";
import { nextOpaque, type HeaderFields } from "./remoting-command.ts";
import { utf8Text } from "./utf8.ts";

/**
 * Decodes a JSON header (serialize type 0) leniently, as fastjson does for Java: keys in any order
 * and of any case, unknown keys ignored, missing keys at Java's defaults, numbers given as strings.
 * The fast parser takes the shapes peers really send; everything else goes through JSON.parse here.
 */
const INTEGER = /^\s*-?\d+\s*$/;
/**
 * Objects and arrays nested deeper than this are refused before JSON.parse. Real headers are two
 * deep (the header, its extFields) and fastjson hands nested ext values over as text, so a little
 * room is kept; thousands of levels would cost JSON.parse and JSON.stringify their stack.
 */
const MAX_NESTING = 32;
/** How much of a header, or of a bad value, an error message quotes: values can be as large as the header. */
const QUOTED_CHARS = 80;

function fail(message: string, cause?: unknown): never {
  throw new RemotingCommandError(`JSON header: ${message}`, cause === undefined ? undefined : { cause });
}

function cut(text: string): string {
  return text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}...` : text;
}

/** A bad value as an error message shows it: its JSON text, cut. */
function quote(value: unknown): string {
  return cut(JSON.stringify(value));
}

/** Whether objects and arrays in the JSON text `b[start, end)` nest deeper than MAX_NESTING (brackets inside strings do not count). */
function nestsTooDeep(b: Uint8Array, start: number, end: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (inString) {
      if (c === 0x5c) i++; // the escaped character cannot end the string
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_NESTING) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

function toInt(key: string, value: unknown, fallback: number): number {
  if (value === null) return fallback;
  const n = typeof value === "number" ? value : typeof value === "string" && INTEGER.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) fail(`"${key}" must be an int32, got ${quote(value)}`);
  return n | 0;
}

function toLanguage(value: unknown): string {
  if (value === null) return JSON_DEFAULTS.language;
  if (typeof value === "string") return normalizeLanguage(value);
  // fastjson reads a number as the enum's ordinal, and fails when there is no such ordinal.
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < LANGUAGE_NAMES.length) {
    return LANGUAGE_NAMES[value]!;
  }
  fail(`"language" must be a LanguageCode name, got ${quote(value)}`);
}

function toText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
      return String(value);
    default:
      return JSON.stringify(value); // an object or array value: fastjson hands over its JSON text
  }
}

function toRemark(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === "object") fail(`"remark" must be a string, got ${quote(value)}`);
  return toText(value);
}

function toExtFields(value: unknown): Record<string, string> | null {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) fail(`"extFields" must be an object, got ${quote(value)}`);
  const ext: Record<string, string> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const v = source[key];
    if (v !== null) setExtField(ext, key, toText(v));
  }
  return ext;
}

function parseJsonHeaderFull(b: Uint8Array, start: number, end: number, out: HeaderFields): void {
  if (nestsTooDeep(b, start, end)) fail(`objects or arrays nested deeper than ${MAX_NESTING} levels`);
  const text = utf8Text(b.subarray(start, end));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`not valid JSON (${(error as Error).message}): ${cut(text)}`, error);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fail(`expected an object, got ${cut(text)}`);
  const cmd = out;
  cmd.code = JSON_DEFAULTS.code;
  cmd.language = JSON_DEFAULTS.language;
  cmd.version = JSON_DEFAULTS.version;
  cmd.flag = JSON_DEFAULTS.flag;
  cmd.remark = null;
  cmd.extFields = null;
  let opaque: number | undefined;
  const fields = parsed as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    switch (key.toLowerCase()) {
      case "code":
        cmd.code = toInt(key, value, JSON_DEFAULTS.code);
        break;
      case "flag":
        cmd.flag = toInt(key, value, JSON_DEFAULTS.flag);
        break;
      case "version":
        cmd.version = toInt(key, value, JSON_DEFAULTS.version);
        break;
      case "opaque":
        opaque = value === null ? undefined : toInt(key, value, 0);
        break;
      case "language":
        cmd.language = toLanguage(value);
        break;
      case "remark":
        cmd.remark = toRemark(value);
        break;
      case "extfields":
        cmd.extFields = toExtFields(value);
        break;
      default:
        break; // serializeTypeCurrentRPC and unknown keys: ignored, as in Java
    }
  }
  cmd.opaque = opaque ?? nextOpaque();
}

/** Decodes the JSON header in `b[start, end)` into `out`. */
export function decodeJsonHeader(b: Uint8Array, start: number, end: number, out: HeaderFields): void {
  if (!parseJsonHeaderFast(b, start, end, out)) parseJsonHeaderFull(b, start, end, out);
}

/** The general decoder alone; exported for the tests that hold the fast parser to it. */
export { parseJsonHeaderFull };
