import { readUtf8 } from "../../protocol/utf8.ts";

/*
 * A message's properties travel as one string (header `i` of a send, the PROPERTIES field of a
 * record): `name U+0001 value`, pairs joined by U+0002 (Java's MessageDecoder.messageProperties2String
 * and string2messageProperties). There is no escaping: a name or value holding U+0001 or U+0002
 * corrupts the map, so checkMessage refuses them before anything is encoded.
 */

/** Between a property's name and its value. */
export const NAME_VALUE_SEPARATOR = "\u0001";
/** After each name/value pair but the last (4.9.8), or after each (5.x). */
export const PROPERTY_SEPARATOR = "\u0002";
const NAME_VALUE_BYTE = 0x01;
const PROPERTY_BYTE = 0x02;

/**
 * A message's properties as this library hands them out: an object without a prototype, so any
 * name (even "__proto__") is just a key. Objects, not Maps: creating and filling a Map costs
 * several times more in JavaScriptCore, and every pulled message has one.
 */
export type Properties = Record<string, string>;

/** Properties as a caller gives them: a Map or a plain object; null and undefined values are left out. */
export type PropertiesInput = ReadonlyMap<string, string | null | undefined> | Readonly<Record<string, string | null | undefined>>;

/** A new, empty Properties object (no prototype). */
export function newProperties(): Properties {
  return Object.create(null) as Properties;
}

/** The value of `name` in a Map or an object of properties. */
export function getProperty(properties: PropertiesInput, name: string): string | undefined {
  const value = properties instanceof Map ? properties.get(name) : Object.hasOwn(properties, name) ? (properties as Readonly<Record<string, string | null | undefined>>)[name] : undefined;
  return value ?? undefined;
}

/** Calls `visit` with each name/value pair of `properties` in order, null and undefined values left out (no array of pairs made per send). */
export function forEachProperty(properties: PropertiesInput, visit: (name: string, value: string) => void): void {
  if (properties instanceof Map) {
    for (const [name, value] of properties) if (value !== null && value !== undefined) visit(name, value);
    return;
  }
  const record = properties as Readonly<Record<string, string | null | undefined>>;
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value !== null && value !== undefined) visit(name, value);
  }
}

/**
 * The properties string, as Java 4.9.8 writes it: pairs in the map's order, null values skipped,
 * no separator after the last pair (5.x writes one; decodeProperties reads both). Nothing is
 * checked here: see checkMessage.
 */
export function encodeProperties(properties: PropertiesInput | null | undefined): string {
  if (properties === null || properties === undefined) return "";
  let text = "";
  let separator = "";
  // forEachProperty's walk, written out: a visitor appending to a captured string took a send's
  // properties from about 70 to 150 ns.
  if (properties instanceof Map) {
    for (const [name, value] of properties) {
      if (value === null || value === undefined) continue;
      text += separator + name + NAME_VALUE_SEPARATOR + value;
      separator = PROPERTY_SEPARATOR;
    }
    return text;
  }
  const record = properties as Readonly<Record<string, string | null | undefined>>;
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value === null || value === undefined) continue;
    text += separator + name + NAME_VALUE_SEPARATOR + value;
    separator = PROPERTY_SEPARATOR;
  }
  return text;
}

/** The length of encodeProperties(properties) in UTF-16 units, counted without making the string. */
export function encodedPropertiesLength(properties: Readonly<Properties>): number {
  let length = 0;
  for (const name of Object.keys(properties)) length += (length === 0 ? 0 : 1) + name.length + 1 + properties[name]!.length;
  return length;
}

/**
 * Reads a properties string exactly as Java's string2messageProperties: split on U+0002; a piece
 * becomes a pair only if its first U+0001 leaves a non-empty name and a non-empty value (so pairs
 * with an empty value are lost, as in Java); the value keeps any further U+0001; a later duplicate
 * name wins. Linear time, even for hostile input.
 */
export function decodeProperties(text: string): Properties {
  const map = newProperties();
  const len = text.length;
  let index = 0;
  let kv = -1; // the first U+0001 at or after `index` (Java searches past the piece's end too)
  while (index < len) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = len;
    if (end - index >= 3) {
      if (kv < index) kv = text.indexOf(NAME_VALUE_SEPARATOR, index);
      if (kv > index && kv < end - 1) map[text.slice(index, kv)] = text.slice(kv + 1, end);
      else if (kv < 0) kv = len; // none left anywhere: stop searching
    }
    index = end + 1;
  }
  return map;
}

/**
 * decodeProperties over the UTF-8 bytes `b[start, end)`, without decoding the whole string first
 * (U+0001 and U+0002 are single bytes that never occur inside a multi-byte character). Short names
 * and values come from the shared UTF-8 string cache, so the usual KEYS, TAGS, WAIT... cost no
 * allocation. Pairs are added to `into`.
 */
export function decodePropertiesBytes(b: Uint8Array, start: number, end: number, into: Properties = newProperties()): Properties {
  let piece = start;
  let kv = -1; // the first U+0001 of the current piece
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c > PROPERTY_BYTE) continue;
    if (c === NAME_VALUE_BYTE) {
      if (kv < piece) kv = i;
    } else if (c === PROPERTY_BYTE) {
      if (kv > piece && kv < i - 1) into[readUtf8(b, piece, kv)] = readUtf8(b, kv + 1, i);
      piece = i + 1;
    }
  }
  if (kv > piece && kv < end - 1) into[readUtf8(b, piece, kv)] = readUtf8(b, kv + 1, end);
  return into;
}

/**
 * Two properties strings as one, as Java's broker stores a batch's message: the message's own
 * properties, then the batch's (WAIT, CLUSTER...), with one U+0002 between them unless the first
 * already ends with one. A later duplicate name wins when the result is read.
 */
export function joinProperties(first: string, second: string): string {
  if (first.length === 0 || second.length === 0) return first + second;
  return first.endsWith(PROPERTY_SEPARATOR) ? first + second : first + PROPERTY_SEPARATOR + second;
}
