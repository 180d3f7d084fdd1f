import type { HeaderOf, HeaderSchema } from "../protocol/custom-header.ts";

/*
 * Schemas of the request and response headers a client of a real cluster needs first (spec 2.6),
 * for decodeCustomHeader / encodeCustomHeader. Each name is both the schema (a value) and the
 * header's type: `decodeCustomHeader(request.extFields, GetRouteInfoRequestHeader)` returns a
 * `GetRouteInfoRequestHeader`.
 */

/** Optional fields every 5.x RpcRequestHeader carries: namespace, "namespaced", broker name, oneway. */
export const RPC_FIELDS = { ns: "string", nsd: "boolean", bname: "string", oway: "boolean" } as const satisfies HeaderSchema;

/** GET_ROUTEINFO_BY_TOPIC (105). Set acceptStandardJsonOnly to get route data a strict JSON parser reads. */
export const GetRouteInfoRequestHeader = {
  topic: "string!",
  acceptStandardJsonOnly: "boolean",
  ...RPC_FIELDS,
  /** TopicRequestHeader's "logical" flag (static topics). */
  lo: "boolean",
} as const satisfies HeaderSchema;
export type GetRouteInfoRequestHeader = HeaderOf<typeof GetRouteInfoRequestHeader>;

/** REGISTER_BROKER (103), sent by every broker to every name server (every 30 s by default). */
export const RegisterBrokerRequestHeader = {
  brokerName: "string!",
  brokerAddr: "string!",
  clusterName: "string!",
  haServerAddr: "string!",
  /** 0 for a master, above 0 for a slave. */
  brokerId: "long!",
  /** How long the name server keeps the broker without a new registration (Java: 120 000). */
  heartbeatTimeoutMillis: "long",
  enableActingMaster: "boolean",
  /** True when the body is the compressed binary RegisterBrokerBody rather than JSON. */
  compressed: "boolean",
  /** bodyCrc32(body); 0 or absent skips the check. */
  bodyCrc32: "int",
} as const satisfies HeaderSchema;
export type RegisterBrokerRequestHeader = HeaderOf<typeof RegisterBrokerRequestHeader>;

/** The answer to REGISTER_BROKER: the master's addresses, when a slave registers. */
export const RegisterBrokerResponseHeader = {
  haServerAddr: "string",
  masterAddr: "string",
} as const satisfies HeaderSchema;
export type RegisterBrokerResponseHeader = HeaderOf<typeof RegisterBrokerResponseHeader>;

/** UNREGISTER_BROKER (104). */
export const UnregisterBrokerRequestHeader = {
  brokerName: "string!",
  brokerAddr: "string!",
  clusterName: "string!",
  brokerId: "long!",
} as const satisfies HeaderSchema;
export type UnregisterBrokerRequestHeader = HeaderOf<typeof UnregisterBrokerRequestHeader>;

/** HEART_BEAT (34): 5.x sends only the optional RPC fields; 4.9.x sends no header at all. */
export const HeartbeatRequestHeader = { ...RPC_FIELDS } as const satisfies HeaderSchema;
export type HeartbeatRequestHeader = HeaderOf<typeof HeartbeatRequestHeader>;
