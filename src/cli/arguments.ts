import { parseArgs } from "node:util";
import { parseAddress } from "../core/address.ts";
import { RequestCode } from "../protocol/request-code.ts";
import type { SerializeType } from "../protocol/serialize-type.ts";
import { UsageError } from "./usage-error.ts";

/** A command's options: each a string (takes a value) or a boolean flag, maybe with a one-letter alias. */
export type Options = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

type Values<O extends Options> = { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : O[K]["multiple"] extends true ? string[] : string } & { help?: boolean };

/**
 * Parses a command's arguments. Mistakes become UsageErrors with messages of our own (the same on
 * Bun and Node, whose parseArgs messages differ): unknown options, missing or unexpected values.
 */
export function parse<O extends Options>(args: string[], options: O, command: string): { values: Values<O>; positionals: string[] } {
  const all: Options = { help: { type: "boolean", short: "h" }, ...options };
  const { tokens, positionals } = parseArgs({ args, options: all, allowPositionals: true, strict: false, tokens: true });
  const values: Record<string, string | boolean | string[]> = {};
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = all[token.name];
    if (option === undefined) throw new UsageError(`unknown option ${token.rawName}`, command);
    if (option.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, got "${token.value}"`, command);
      values[token.name] = true;
    } else {
      if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value`, command);
      if (option.multiple) values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), token.value];
      else values[token.name] = token.value;
    }
  }
  return { values: values as Values<O>, positionals };
}

/** The one `host:port` a command works on. */
export function address(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing host:port" : `unexpected arguments: ${positionals.slice(1).join(" ")}`, command);
  const addr = positionals[0]!;
  try {
    parseAddress(addr);
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
  return addr;
}

/** An integer option within [min, max]. */
export function integer(value: string | undefined, name: string, fallback: number, command: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max || value.trim() === "") throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`, command);
  return n;
}

const INT32 = { min: -2147483648, max: 2147483647 };

/** A request code given as a number or a RequestCode name (GET_ROUTEINFO_BY_TOPIC, any case). */
export function requestCode(value: string | undefined, fallback: number | undefined, command: string): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError("missing --code", command);
    return fallback;
  }
  const named = (RequestCode as Record<string, number>)[value.toUpperCase()];
  if (named !== undefined) return named;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < INT32.min || n > INT32.max) {
    throw new UsageError(`--code must be a RequestCode name (e.g. GET_ROUTEINFO_BY_TOPIC) or an integer from ${INT32.min} to ${INT32.max}, got "${value}"`, command);
  }
  return n;
}

export function serializeType(value: string | undefined, command: string): SerializeType {
  const type = (value ?? "json").toUpperCase();
  if (type !== "JSON" && type !== "ROCKETMQ") throw new UsageError(`--type must be json or rocketmq, got "${value}"`, command);
  return type;
}
