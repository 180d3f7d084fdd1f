import { decodeHeaderFields, encodeCustomHeader, type HeaderSchema } from "../protocol/custom-header.ts";
import { createRequest, createResponse, type RemotingCommand } from "../protocol/remoting-command.ts";
import type { RequestFields } from "./requests.ts";

/*
 * Custom headers with Java's longs as JavaScript numbers. decodeCustomHeader gives a long as a
 * bigint, which is exact but awkward for offsets and timestamps that are counted and compared;
 * these stay far below 2^53, and a value beyond is refused by name instead of rounded.
 */

type BaseType<T> = T extends `${infer B}!` ? B : T;
type NumericValue<T> = BaseType<T> extends "string" ? string : BaseType<T> extends "boolean" ? boolean : number;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends `${string}!` ? K : never }[keyof S];

/** The object a schema describes, with int, long and double fields all as numbers. */
export type NumericHeaderOf<S extends HeaderSchema> = { [K in RequiredKeys<S>]: NumericValue<S[K]> } & {
  [K in Exclude<keyof S, RequiredKeys<S>>]?: NumericValue<S[K]>;
};

/** decodeCustomHeader with long fields as numbers; a long beyond ±(2^53 - 1) is a RemotingCommandError. */
export function decodeNumericHeader<S extends HeaderSchema>(extFields: Readonly<Record<string, string>> | null, schema: S): NumericHeaderOf<S> {
  return decodeHeaderFields(extFields, schema, true) as NumericHeaderOf<S>;
}

/** A request whose extFields are `header` encoded by `schema` (and `init.extFields`, which win). */
export function createHeaderRequest<S extends HeaderSchema>(
  code: number,
  schema: S,
  header: NumericHeaderOf<S>,
  init?: RequestFields & { body?: Uint8Array | null },
): RemotingCommand {
  return createRequest(code, { ...init, extFields: { ...encodeCustomHeader(header, schema), ...init?.extFields } });
}

/** A response whose extFields are `header` encoded by `schema`; SUCCESS unless `code` says otherwise. */
export function createHeaderResponse<S extends HeaderSchema>(
  schema: S,
  header: NumericHeaderOf<S>,
  init?: RequestFields & { code?: number; body?: Uint8Array | null },
): RemotingCommand {
  const { code = 0, ...rest } = init ?? {};
  return createResponse(code, rest.remark ?? null, { ...rest, extFields: { ...encodeCustomHeader(header, schema), ...rest.extFields } });
}
