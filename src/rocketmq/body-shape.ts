import { RemotingCommandError } from "../errors.ts";
import { quoted } from "../protocol/json-text.ts";
import { parseFastjson } from "./fastjson.ts";

/*
 * Light shape checks for bodies read off the wire: a peer that sends the wrong structure gets a
 * RemotingCommandError naming the field, not a TypeError somewhere in the caller's code later.
 */

/** The parsed JSON object of a body that must be there; `what` names it in errors. */
export function bodyRecord(body: Uint8Array | string | null | undefined, what: string): Record<string, unknown> {
  if (body === null || body === undefined || body.length === 0) throw new RemotingCommandError(`${what}: the body is empty`);
  return record(parseFastjson(body), what);
}

export function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RemotingCommandError(`${what}: expected a JSON object, got ${Array.isArray(value) ? "an array" : quoted(value)}`);
  }
  return value as Record<string, unknown>;
}

export function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new RemotingCommandError(`${what}: expected a JSON array, got ${quoted(value)}`);
  return value;
}

/** A record whose values are all strings (an address table). */
export function stringRecord(value: unknown, what: string): Record<string, string> {
  const r = record(value, what);
  for (const [key, v] of Object.entries(r)) {
    if (typeof v !== "string") throw new RemotingCommandError(`${what}.${key}: expected a string, got ${quoted(v)}`);
  }
  return r as Record<string, string>;
}

export function stringList(value: unknown, what: string): string[] {
  const l = list(value, what);
  l.forEach((v, i) => {
    if (typeof v !== "string") throw new RemotingCommandError(`${what}[${i}]: expected a string, got ${quoted(v)}`);
  });
  return l as string[];
}

const INT = /^-?\d+$/;

/** A Java int field: `fallback` when absent or null; a number or, as fastjson takes it, a string of one. */
export function intField(value: unknown, fallback: number, what: string): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "number" ? value : typeof value === "string" && INT.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw new RemotingCommandError(`${what}: expected an int, got ${quoted(value)}`);
  return n;
}
