import type { HeaderOf, HeaderSchema } from "../protocol/custom-header.ts";

/*
 * Schemas of the request and response headers a client of a real cluster needs first (spec 2.6),
 * for decodeCustomHeader / encodeCustomHeader. Each name is both the schema (a value) and the
 * header's type: `decodeCustomHeader(request.extFields, GetRouteInfoRequestHeader)` returns a
 * `GetRouteInfoRequestHeader`.
 */

/** Optional fields every 5.x RpcRequestHeader carries: namespace, "namespaced", broker name, oneway. */
export const RPC_FIELDS = {
  /** The namespace the request's topics and groups belong to. */
  ns: "string",
  /** Whether the names in the request already carry the namespace. */
  nsd: "boolean",
  /** The broker the request is meant for (5.x proxies route by it). */
  bname: "string",
  /** Whether the request is sent oneway (no answer expected). */
  oway: "boolean",
} as const satisfies HeaderSchema;

/** GET_ROUTEINFO_BY_TOPIC (105). Set acceptStandardJsonOnly to get route data a strict JSON parser reads. */
export const GetRouteInfoRequestHeader = {
  /** The topic whose route is asked for. */
  topic: "string!",
  /** Asks for route data in standard JSON (4.9.x answers with fastjson's integer map keys otherwise). */
  acceptStandardJsonOnly: "boolean",
  ...RPC_FIELDS,
  /** TopicRequestHeader's "logical" flag (static topics). */
  lo: "boolean",
} as const satisfies HeaderSchema;
export type GetRouteInfoRequestHeader = HeaderOf<typeof GetRouteInfoRequestHeader>;

/** REGISTER_BROKER (103), sent by every broker to every name server (every 30 s by default). */
export const RegisterBrokerRequestHeader = {
  /** The broker's name (a master and its slaves share it). */
  brokerName: "string!",
  /** "ip:port" where clients reach the broker. */
  brokerAddr: "string!",
  /** The cluster the broker belongs to. */
  clusterName: "string!",
  /** "ip:port" of the broker's HA service, where slaves replicate from. */
  haServerAddr: "string!",
  /** 0 for a master, above 0 for a slave. */
  brokerId: "long!",
  /** How long the name server keeps the broker without a new registration (Java: 120 000). */
  heartbeatTimeoutMillis: "long",
  /** Whether a slave may act as master while the master is down (5.x). */
  enableActingMaster: "boolean",
  /** True when the body is the compressed binary RegisterBrokerBody rather than JSON. */
  compressed: "boolean",
  /** bodyCrc32(body); 0 or absent skips the check. */
  bodyCrc32: "int",
} as const satisfies HeaderSchema;
export type RegisterBrokerRequestHeader = HeaderOf<typeof RegisterBrokerRequestHeader>;

/** The answer to REGISTER_BROKER: the master's addresses, when a slave registers. */
export const RegisterBrokerResponseHeader = {
  /** The master's HA service address, for a slave to replicate from. */
  haServerAddr: "string",
  /** The master's address. */
  masterAddr: "string",
} as const satisfies HeaderSchema;
export type RegisterBrokerResponseHeader = HeaderOf<typeof RegisterBrokerResponseHeader>;

/** UNREGISTER_BROKER (104). */
export const UnregisterBrokerRequestHeader = {
  /** The broker's name. */
  brokerName: "string!",
  /** "ip:port" the broker registered with. */
  brokerAddr: "string!",
  /** The cluster the broker belongs to. */
  clusterName: "string!",
  /** 0 for a master, above 0 for a slave. */
  brokerId: "long!",
} as const satisfies HeaderSchema;
export type UnregisterBrokerRequestHeader = HeaderOf<typeof UnregisterBrokerRequestHeader>;

/** HEART_BEAT (34): 5.x sends only the optional RPC fields; 4.9.x sends no header at all. */
export const HeartbeatRequestHeader = { ...RPC_FIELDS } as const satisfies HeaderSchema;
export type HeartbeatRequestHeader = HeaderOf<typeof HeartbeatRequestHeader>;

/** UPDATE_AND_CREATE_TOPIC (17): a topic's config, created or replaced on one broker (the admin tools' updateTopic, DefaultMQProducer.createTopic). */
export const CreateTopicRequestHeader = {
  /** The topic. */
  topic: "string!",
  /** The topic its settings were taken from (TBW102 from the producer's createTopic); informational. */
  defaultTopic: "string!",
  /** Queues consumers read. */
  readQueueNums: "int!",
  /** Queues producers write. */
  writeQueueNums: "int!",
  /** PermName bits: 4 read, 2 write, 1 inherit. */
  perm: "int!",
  /** "SINGLE_TAG" or "MULTI_TAG". */
  topicFilterType: "string!",
  /** TopicSysFlag bits (unit topics). */
  topicSysFlag: "int",
  /** Whether the topic is ordered. */
  order: "boolean!",
} as const satisfies HeaderSchema;
export type CreateTopicRequestHeader = HeaderOf<typeof CreateTopicRequestHeader>;

/** VIEW_MESSAGE_BY_ID (33): the commit-log offset of one stored message (what an offset message id carries). */
export const ViewMessageRequestHeader = {
  /** The record's physical offset. */
  offset: "long!",
} as const satisfies HeaderSchema;
export type ViewMessageRequestHeader = HeaderOf<typeof ViewMessageRequestHeader>;

/** QUERY_MESSAGE (12): messages of a topic by key (one of KEYS, or the unique id with `_UNIQUE_KEY_QUERY: "true"`) stored in a time range. */
export const QueryMessageRequestHeader = {
  /** The topic. */
  topic: "string!",
  /** One key, or a unique message id. */
  key: "string!",
  /** Messages at most (the broker caps it at 64). */
  maxNum: "int!",
  /** Stored at or after (ms since the epoch). */
  beginTimestamp: "long!",
  /** Stored at or before (ms since the epoch). */
  endTimestamp: "long!",
} as const satisfies HeaderSchema;
export type QueryMessageRequestHeader = HeaderOf<typeof QueryMessageRequestHeader>;

/** QUERY_MESSAGE's answer header: where the broker's index stood (the newest indexed message). */
export const QueryMessageResponseHeader = {
  /** When the newest indexed message was stored. */
  indexLastUpdateTimestamp: "long!",
  /** Its physical offset. */
  indexLastUpdatePhyoffset: "long!",
} as const satisfies HeaderSchema;
export type QueryMessageResponseHeader = HeaderOf<typeof QueryMessageResponseHeader>;
