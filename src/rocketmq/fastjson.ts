import { RemotingCommandError } from "../errors.ts";
import { excerpt, MAX_JSON_NESTING, nestsTooDeep } from "../protocol/json-text.ts";
import { utf8Bytes, utf8Text } from "../protocol/utf8.ts";

/*
 * Bodies as RocketMQ's Java side writes and reads them: fastjson 1.x with its default features.
 * Two quirks matter (spec 2.8): a map with Long keys is written with bare keys
 * (`{0:"10.0.0.1:10911"}`), which JSON.parse rejects, and bean properties come out sorted by name.
 */

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index just past the string literal that opens at `start` (a `"`), escapes honoured. */
function skipString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length; // unterminated: JSON.parse will say so
    let backslashes = 0;
    for (let j = q - 1; j > start && text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/** Index of the end of a bare key starting at `start`: the next space, colon or structural character. */
function bareKeyEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === COLON || isSpace(c) || c === QUOTE || c === COMMA || c === OPEN_BRACE || c === CLOSE_BRACE || c === OPEN_BRACKET || c === CLOSE_BRACKET) break;
    i++;
  }
  return i;
}

/**
 * `text` with every unquoted object key put in double quotes (`{0:"a"}` becomes `{"0":"a"}`).
 * String contents are never touched; standard JSON comes back unchanged (the same string).
 */
export function quoteBareKeys(text: string): string {
  // One entry per open container: true for an object, false for an array.
  const inObject: boolean[] = [];
  let expectKey = false;
  let parts: string[] | null = null;
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      expectKey = false;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === OPEN_BRACE) {
      inObject.push(true);
      expectKey = true;
    } else if (c === OPEN_BRACKET) {
      inObject.push(false);
      expectKey = false;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      inObject.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = inObject[inObject.length - 1] === true;
    } else if (expectKey) {
      const end = bareKeyEnd(text, i);
      if (end > i) {
        parts ??= [];
        parts.push(text.slice(copied, i), '"', text.slice(i, end), '"');
        copied = end;
        i = end;
        expectKey = false;
        continue;
      }
      expectKey = false;
    } else if (c === COLON) {
      expectKey = false;
    }
    i++;
  }
  if (parts === null) return text;
  parts.push(text.slice(copied));
  return parts.join("");
}

/**
 * Parses a body the way Java's fastjson reads it: standard JSON, or fastjson's output with bare
 * map keys (`{0:"127.0.0.1:10911"}`). Throws RemotingCommandError when it is neither. Numbers
 * beyond 2^53 lose precision, as with JSON.parse.
 */
export function parseFastjson(body: Uint8Array | string): unknown {
  const text = typeof body === "string" ? body : utf8Text(body);
  if (nestsTooDeep(text)) throw new RemotingCommandError(`body: objects or arrays nested deeper than ${MAX_JSON_NESTING} levels: ${excerpt(text)}`);
  try {
    return JSON.parse(text);
  } catch {
    // fall through: most likely fastjson's bare keys
  }
  try {
    return JSON.parse(quoteBareKeys(text));
  } catch (error) {
    throw new RemotingCommandError(`body is not JSON, even with fastjson's bare map keys quoted (${(error as Error).message}): ${excerpt(text)}`, {
      cause: error,
    });
  }
}

/** How encodeFastjson writes what JSON and fastjson write differently. */
export interface FastjsonOptions {
  /**
   * Names of properties whose value is a map with Long keys in Java (such as `brokerAddrs`): their
   * keys are written bare, as fastjson does by default. Empty for standard JSON.
   */
  bareKeyMaps?: ReadonlySet<string>;
}

function writeValue(value: unknown, bareKeys: boolean, options: FastjsonOptions, out: string[]): boolean {
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return true;
    case "number":
      out.push(Number.isFinite(value) ? String(value) : "null");
      return true;
    case "bigint":
      out.push(value.toString());
      return true;
    case "boolean":
      out.push(value ? "true" : "false");
      return true;
    case "object":
      break;
    default:
      return false; // undefined, functions, symbols: left out, like null fields in Java
  }
  if (value === null) return false;
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      if (!writeValue(item, false, options, out)) out.push("null");
    });
    out.push("]");
    return true;
  }
  out.push("{");
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    if (field === null || field === undefined || typeof field === "function") continue;
    if (!first) out.push(",");
    first = false;
    out.push(bareKeys ? key : JSON.stringify(key), ":");
    writeValue(field, options.bareKeyMaps?.has(key) === true, options, out);
  }
  out.push("}");
  return true;
}

/**
 * JSON text the way fastjson writes a Java object: properties sorted by name, null properties left
 * out, no whitespace, bigint as plain digits, and (with `bareKeyMaps`) Long-keyed maps with bare keys.
 */
export function stringifyFastjson(value: unknown, options: FastjsonOptions = {}): string {
  const out: string[] = [];
  if (!writeValue(value, false, options, out)) return "null";
  return out.join("");
}

/** stringifyFastjson as UTF-8 bytes, ready to be a command's body. */
export function encodeFastjson(value: unknown, options: FastjsonOptions = {}): Uint8Array {
  return utf8Bytes(stringifyFastjson(value, options));
}
