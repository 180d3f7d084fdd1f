import { RemotingCommandError } from "../errors.ts";
import { setExtField } from "./ext-fields.ts";
import { parseCanonicalJsonHeader } from "./json-header-canonical.ts";
import { parseJsonHeaderFast } from "./json-header-fast.ts";
import { JSON_DEFAULTS, normalizeLanguage } from "./json-header-fields.ts";
import { LANGUAGE_NAMES } from "./language-code.ts";
import { excerpt, MAX_JSON_NESTING, nestsTooDeep, quoted } from "./json-text.ts";
import { nextOpaque, type HeaderFields } from "./remoting-command.ts";
import { utf8Text } from "./utf8.ts";

/**
 * Decodes a JSON header (serialize type 0) leniently, as fastjson does for Java: keys in any order
 * and of any case, unknown keys ignored, missing keys at Java's defaults, numbers given as strings.
 * The fast parser takes the shapes peers really send; everything else goes through JSON.parse here.
 */
const INTEGER = /^\s*-?\d+\s*$/;

function fail(message: string, cause?: unknown): never {
  throw new RemotingCommandError(`JSON header: ${message}`, cause === undefined ? undefined : { cause });
}

function toInt(key: string, value: unknown, fallback: number): number {
  if (value === null) return fallback;
  const n = typeof value === "number" ? value : typeof value === "string" && INTEGER.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) fail(`"${key}" must be an int32, got ${quoted(value)}`);
  return n | 0;
}

function toLanguage(value: unknown): string {
  if (value === null) return JSON_DEFAULTS.language;
  if (typeof value === "string") return normalizeLanguage(value);
  // fastjson reads a number as the enum's ordinal, and fails when there is no such ordinal.
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < LANGUAGE_NAMES.length) {
    return LANGUAGE_NAMES[value]!;
  }
  fail(`"language" must be a LanguageCode name, got ${quoted(value)}`);
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
  if (typeof value === "object") fail(`"remark" must be a string, got ${quoted(value)}`);
  return toText(value);
}

function toExtFields(value: unknown): Record<string, string> | null {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) fail(`"extFields" must be an object, got ${quoted(value)}`);
  const ext: Record<string, string> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const v = source[key];
    if (v !== null) setExtField(ext, key, toText(v));
  }
  return ext;
}

function parseJsonHeaderFull(b: Uint8Array, start: number, end: number, out: HeaderFields): void {
  const text = utf8Text(b.subarray(start, end));
  if (nestsTooDeep(text)) fail(`objects or arrays nested deeper than ${MAX_JSON_NESTING} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`not valid JSON (${(error as Error).message}): ${excerpt(text)}`, error);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fail(`expected an object, got ${excerpt(text)}`);
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

/** Decodes the JSON header in `b[start, end)` into `out`: Java's exact shape, else any order, else JSON.parse. `view` is a DataView of `b` (null: none, see ChunkView.dataView). */
export function decodeJsonHeader(b: Uint8Array, start: number, end: number, out: HeaderFields, view: DataView | null): void {
  if (!parseCanonicalJsonHeader(b, start, end, out, view) && !parseJsonHeaderFast(b, start, end, out)) parseJsonHeaderFull(b, start, end, out);
}

/** The general decoder alone; exported for the tests that hold the fast parsers to it. */
export { parseJsonHeaderFull };
