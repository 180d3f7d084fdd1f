import { quoted } from "./json-text.ts";
import { RemotingCommandError } from "../errors.ts";
import { isJavaDecimal, parseJavaInt } from "./java-int.ts";

/**
 * Typed custom headers <-> extFields strings, as Java's makeCustomHeaderToNet /
 * decodeCommandCustomHeader do it: every non-null field becomes `extFields[name] = String(value)`,
 * and decoding converts each string back by the field's declared type.
 *
 * JavaScript has one number type, so a schema says what Java would have declared:
 * "string", "int", "long" (decoded to bigint), "boolean" or "double"; a trailing "!" marks a
 * required field (Java's @CFNotNull).
 */
export type HeaderFieldType = "string" | "int" | "long" | "boolean" | "double";
/** A custom header's fields by name, each a HeaderFieldType, with "!" for a required one: `{ topic: "string!", queueId: "int" }`. */
export type HeaderSchema = Record<string, HeaderFieldType | `${HeaderFieldType}!`>;

/** The JavaScript type of a field declared `T` ("int!" -> number): string, number (int, double), bigint (long) or boolean. */
export type HeaderFieldValue<T> = T extends `${infer Base}!`
  ? HeaderFieldValue<Base>
  : T extends "string"
    ? string
    : T extends "int" | "double"
      ? number
      : T extends "long"
        ? bigint
        : boolean;
/** The names of a schema's required fields (those declared with "!"). */
export type RequiredHeaderKeys<S> = { [K in keyof S]: S[K] extends `${string}!` ? K : never }[keyof S];
/** The names of a schema's optional fields. */
export type OptionalHeaderKeys<S> = Exclude<keyof S, RequiredHeaderKeys<S>>;

/** The object type a schema describes: required fields present, the others optional. */
export type HeaderOf<S extends HeaderSchema> = { [K in RequiredHeaderKeys<S>]: HeaderFieldValue<S[K]> } & {
  [K in OptionalHeaderKeys<S>]?: HeaderFieldValue<S[K]>;
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Java's Double.toString: "1.0", "0.618", "1.0E10", "1.0E-5". */
export function formatJavaDouble(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes(".") ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const m = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.startsWith("+") ? exponent.slice(1) : exponent}`;
}

/**
 * `value` as the string Java's String.valueOf writes for the field: numbers that are not safe
 * integers (or are declared "double") the way Double.toString writes them. Undefined for a type
 * that no header field can have (object, function, symbol).
 */
export function headerValueText(value: unknown, double = false): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return double || !Number.isSafeInteger(value) ? formatJavaDouble(value) : String(value);
    default:
      return undefined;
  }
}

/** One field's extFields string, as encodeCustomHeader writes it; a RemotingCommandError for a value no field can have. */
export function fieldToString(name: string, value: unknown, type: HeaderFieldType | undefined): string {
  const text = headerValueText(value, type === "double");
  if (text === undefined) {
    throw new RemotingCommandError(
      `custom header field ${name}: cannot send a value of type ${typeof value} (use string, number, bigint or boolean)`,
    );
  }
  return text;
}

/** A schema's fields read once: their names, base types and whether each is required. */
interface CompiledSchema {
  readonly names: readonly string[];
  readonly types: readonly HeaderFieldType[];
  readonly required: readonly boolean[];
}

/** Schemas are module constants used per request: each is read once (a schema is not changed after use). */
const compiledSchemas = new WeakMap<HeaderSchema, CompiledSchema>();

function compile(schema: HeaderSchema): CompiledSchema {
  let compiled = compiledSchemas.get(schema);
  if (compiled === undefined) {
    const names = Object.keys(schema);
    const declared = names.map((name) => schema[name]!);
    compiled = {
      names,
      types: declared.map((t) => (t.endsWith("!") ? t.slice(0, -1) : t) as HeaderFieldType),
      required: declared.map((t) => t.endsWith("!")),
    };
    compiledSchemas.set(schema, compiled);
  }
  return compiled;
}

/**
 * A header object's fields as extFields strings. Null and undefined fields are left out, as in Java.
 * With a schema, only the schema's fields are taken and "double" fields are written the Java way.
 * A schema object is read on its first use and remembered: give a changed schema as a new object.
 */
export function encodeCustomHeader(header: object, schema?: HeaderSchema): Record<string, string> {
  const out: Record<string, string> = {};
  const values = header as Record<string, unknown>;
  if (schema === undefined) {
    for (const name of Object.keys(header)) {
      const value = values[name];
      if (value !== null && value !== undefined) out[name] = fieldToString(name, value, undefined);
    }
    return out;
  }
  const { names, types } = compile(schema);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = values[name];
    if (value !== null && value !== undefined) out[name] = fieldToString(name, value, types[i]);
  }
  return out;
}

/** Digits a long may have (sign included) and still be exact as a number: 15 digits stay below 2^53. */
const EXACT_LONG_CHARS = 15;

function parseField(name: string, raw: string, type: HeaderFieldType, longsAsNumbers: boolean): unknown {
  switch (type) {
    case "string":
      return raw;
    case "boolean":
      return raw.toLowerCase() === "true"; // Java's Boolean.parseBoolean
    case "int": {
      const n = parseJavaInt(raw);
      if (n === undefined) throw new RemotingCommandError(`custom header field ${name}: ${quoted(raw)} is not an int`);
      return n;
    }
    case "long": {
      const valid = isJavaDecimal(raw);
      if (longsAsNumbers && valid && raw.length <= EXACT_LONG_CHARS) return Number(raw) + 0; // + 0: "-0" is 0, as a bigint has it
      const n = valid ? BigInt(raw) : null;
      if (n === null || n < INT64_MIN || n > INT64_MAX) {
        throw new RemotingCommandError(`custom header field ${name}: ${quoted(raw)} is not a long`);
      }
      if (!longsAsNumbers) return n;
      const asNumber = Number(n);
      if (!Number.isSafeInteger(asNumber)) throw new RemotingCommandError(`custom header field ${name}: ${n} is beyond 2^53`);
      return asNumber;
    }
    case "double": {
      const n = raw.trim() === "" ? NaN : Number(raw);
      if (Number.isNaN(n) && raw !== "NaN") {
        throw new RemotingCommandError(`custom header field ${name}: ${quoted(raw)} is not a double`);
      }
      return n;
    }
  }
}

/**
 * One field of a custom header, as decodeHeaderFields reads it: undefined when absent (a
 * RemotingCommandError when `required`), else parsed as `type`. For a decoder
 * written out for one hot header, which builds its object in one go rather than walking a schema.
 */
export function decodeHeaderField(extFields: Readonly<Record<string, string>> | null, name: string, type: HeaderFieldType, required: boolean, longsAsNumbers = true): unknown {
  const raw = extFields !== null && Object.hasOwn(extFields, name) ? extFields[name] : undefined;
  if (raw === undefined || raw === null) {
    if (required) throw new RemotingCommandError(`the custom field ${name} is null`);
    return undefined;
  }
  return parseField(name, raw, type, longsAsNumbers);
}

/** decodeCustomHeader, with longs as bigints or (numeric-header.ts) as numbers within ±(2^53 - 1). */
export function decodeHeaderFields(extFields: Readonly<Record<string, string>> | null, schema: HeaderSchema, longsAsNumbers: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { names, types, required } = compile(schema);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = decodeHeaderField(extFields, name, types[i]!, required[i]!, longsAsNumbers);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The typed header carried in `extFields`. Throws RemotingCommandError when a required field is
 * missing or a value does not parse as its type (Java only logs those and keeps the default).
 * A schema object is read on its first use and remembered: give a changed schema as a new object.
 */
export function decodeCustomHeader<S extends HeaderSchema>(
  extFields: Readonly<Record<string, string>> | null,
  schema: S,
): HeaderOf<S> {
  return decodeHeaderFields(extFields, schema, false) as HeaderOf<S>;
}
