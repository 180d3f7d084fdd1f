import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseAddress } from "../core/address.ts";
import { RequestCode } from "../protocol/request-code.ts";
import type { SerializeType } from "../protocol/serialize-type.ts";
import { UsageError } from "./usage-error.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses a command's arguments; mistakes become UsageErrors carrying the command's usage. */
export function parse<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options: { help: { type: "boolean", short: "h" }, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

/** The one `host:port` a command works on. */
export function address(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing host:port" : `unexpected arguments: ${positionals.slice(1).join(" ")}`, usage);
  const addr = positionals[0]!;
  try {
    parseAddress(addr);
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
  return addr;
}

/** An integer option within [min, max]. */
export function integer(value: string | undefined, name: string, fallback: number, usage: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max || value.trim() === "") throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`, usage);
  return n;
}

/** A request code given as a number or a RequestCode name (GET_ROUTEINFO_BY_TOPIC). */
export function requestCode(value: string | undefined, fallback: number | undefined, usage: string): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError("missing --code", usage);
    return fallback;
  }
  const named = (RequestCode as Record<string, number>)[value.toUpperCase()];
  if (named !== undefined) return named;
  return integer(value, "code", 0, usage, -2147483648, 2147483647);
}

export function serializeType(value: string | undefined, usage: string): SerializeType {
  const type = (value ?? "json").toUpperCase();
  if (type !== "JSON" && type !== "ROCKETMQ") throw new UsageError(`--type must be json or rocketmq, got "${value}"`, usage);
  return type;
}
