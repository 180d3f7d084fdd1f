import { RemotingCommandError } from "../errors.ts";
import { describeValue } from "./describe-value.ts";

/**
 * Stores one decoded ext field. A peer-chosen key "__proto__" must become an own property
 * (as JSON.parse makes it), not a prototype assignment.
 */
export function setExtField(ext: Record<string, string>, key: string, value: string): void {
  if (key.length === 9 && key === "__proto__") {
    Object.defineProperty(ext, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    ext[key] = value;
  }
}

/**
 * setExtField for a key decoded from `keyBytes` bytes of UTF-8 (no escapes): only a 9-byte key can
 * be "__proto__", so the others are stored without comparing strings (about 6 ns a header of five).
 */
export function setDecodedExtField(ext: Record<string, string>, key: string, value: string, keyBytes: number): void {
  if (keyBytes === 9) setExtField(ext, key, value);
  else ext[key] = value;
}

/** Refuses an ext field value for the encoders, which take strings (and skip null and undefined). */
export function refuseExtValue(key: string, value: unknown): never {
  throw new RemotingCommandError(`cannot encode command: extFields.${key} must be a string, got ${describeValue(value)}`);
}

/**
 * An ext field value as the string that goes on the wire. Values are strings by contract; numbers,
 * bigints and booleans are accepted and written as Java's String.valueOf would.
 */
export function extValueString(key: string, value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "bigint":
    case "boolean":
      return String(value);
    default:
      throw new RemotingCommandError(`extFields.${key}: expected a string, got ${typeof value}`);
  }
}
