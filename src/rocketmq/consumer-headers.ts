import { MQBrokerError } from "../errors.ts";
import type { HeaderOf, HeaderSchema } from "../protocol/custom-header.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { RPC_FIELDS } from "./headers.ts";
import { decodeNumericHeader } from "./numeric-header.ts";

/*
 * Headers of the consumer-side calls besides the pull (Java 4.9.8's common/protocol/header), for
 * createHeaderRequest / createHeaderResponse and decodeNumericHeader (or decodeCustomHeader).
 * Requests whose Java class extends RpcRequestHeader take the optional `bname` (and 5.x's ns, nsd,
 * oway).
 */

/** QUERY_CONSUMER_OFFSET (14): the group's committed offset of a queue. */
export const QueryConsumerOffsetRequestHeader = {
  /** The group whose committed offset is asked for. */
  consumerGroup: "string!",
  /** The topic. */
  topic: "string!",
  /** The queue's id. */
  queueId: "int!",
  ...RPC_FIELDS,
  /** 5.x: answer 0 instead of QUERY_NOT_FOUND. */
  setZeroIfNotFound: "boolean",
} as const satisfies HeaderSchema;
export type QueryConsumerOffsetRequestHeader = HeaderOf<typeof QueryConsumerOffsetRequestHeader>;

/** UPDATE_CONSUMER_OFFSET (15): store the group's committed offset (Java sends it oneway). */
export const UpdateConsumerOffsetRequestHeader = {
  /** The group committing its offset. */
  consumerGroup: "string!",
  /** The topic. */
  topic: "string!",
  /** The queue's id. */
  queueId: "int!",
  /** The offset to commit: the next message the group will consume. */
  commitOffset: "long!",
  ...RPC_FIELDS,
} as const satisfies HeaderSchema;
export type UpdateConsumerOffsetRequestHeader = HeaderOf<typeof UpdateConsumerOffsetRequestHeader>;

/** GET_MAX_OFFSET (30) and GET_MIN_OFFSET (31): a queue's next offset to be written / its first. */
export const QueueOffsetRequestHeader = {
  /** The topic. */
  topic: "string!",
  /** The queue's id. */
  queueId: "int!",
  ...RPC_FIELDS,
  /** 5.x, GET_MAX_OFFSET only: count only committed messages (default true). */
  committed: "boolean",
} as const satisfies HeaderSchema;
export type QueueOffsetRequestHeader = HeaderOf<typeof QueueOffsetRequestHeader>;

/** SEARCH_OFFSET_BY_TIMESTAMP (29): the offset of the message stored nearest `timestamp` (4.9.8). */
export const SearchOffsetRequestHeader = {
  /** The topic. */
  topic: "string!",
  /** The queue's id. */
  queueId: "int!",
  /** Store time to search for (ms since the epoch). */
  timestamp: "long!",
  ...RPC_FIELDS,
  /** 5.x: "lower" (first stored at or after) or "upper". */
  boundaryType: "string",
} as const satisfies HeaderSchema;
export type SearchOffsetRequestHeader = HeaderOf<typeof SearchOffsetRequestHeader>;

/** GET_EARLIEST_MSG_STORETIME (32): admin tools only. */
export const GetEarliestMsgStoretimeRequestHeader = {
  /** The topic. */
  topic: "string!",
  /** The queue's id. */
  queueId: "int!",
  ...RPC_FIELDS,
} as const satisfies HeaderSchema;
export type GetEarliestMsgStoretimeRequestHeader = HeaderOf<typeof GetEarliestMsgStoretimeRequestHeader>;

/** The answer header of QUERY_CONSUMER_OFFSET, GET_MAX_OFFSET, GET_MIN_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP. */
export const OffsetResponseHeader = {
  /** The queue offset asked for. */
  offset: "long!",
} as const satisfies HeaderSchema;
export type OffsetResponseHeader = HeaderOf<typeof OffsetResponseHeader>;

/** The answer header of GET_EARLIEST_MSG_STORETIME. */
export const GetEarliestMsgStoretimeResponseHeader = {
  /** When the queue's earliest kept message was stored (ms since the epoch). */
  timestamp: "long!",
} as const satisfies HeaderSchema;
export type GetEarliestMsgStoretimeResponseHeader = HeaderOf<typeof GetEarliestMsgStoretimeResponseHeader>;

/** GET_CONSUMER_LIST_BY_GROUP (38); the answer's body is a ConsumerIdList. */
export const GetConsumerListByGroupRequestHeader = {
  /** The group whose members are asked for. */
  consumerGroup: "string!",
} as const satisfies HeaderSchema;
export type GetConsumerListByGroupRequestHeader = HeaderOf<typeof GetConsumerListByGroupRequestHeader>;

/** UNREGISTER_CLIENT (35), at shutdown: either group may be absent. */
export const UnregisterClientRequestHeader = {
  /** The client's id (ip@instance), as in its heartbeats. */
  clientID: "string!",
  /** The producer group it leaves, if any. */
  producerGroup: "string",
  /** The consumer group it leaves, if any. */
  consumerGroup: "string",
} as const satisfies HeaderSchema;
export type UnregisterClientRequestHeader = HeaderOf<typeof UnregisterClientRequestHeader>;

/** NOTIFY_CONSUMER_IDS_CHANGED (40), broker to client, oneway: rebalance now. */
export const NotifyConsumerIdsChangedRequestHeader = {
  /** The group whose members changed. */
  consumerGroup: "string!",
} as const satisfies HeaderSchema;
export type NotifyConsumerIdsChangedRequestHeader = HeaderOf<typeof NotifyConsumerIdsChangedRequestHeader>;

/** CONSUMER_SEND_MSG_BACK (36): consume this message again later (or send it to the DLQ). */
export const ConsumerSendMsgBackRequestHeader = {
  /** The message's commitLogOffset. */
  offset: "long!",
  /** The consumer group sending the message back. */
  group: "string!",
  /** 0: the broker decides (3 + reconsumeTimes); -1: straight to the DLQ; above 0: that level. */
  delayLevel: "int!",
  /** The message's msgId (UNIQ_KEY). */
  originMsgId: "string",
  /** The topic the message was first sent to. */
  originTopic: "string",
  /** Whether the consumer runs in unit mode (retry topics named per unit). */
  unitMode: "boolean",
  /** The consumer's maxReconsumeTimes (16 by default). */
  maxReconsumeTimes: "int",
  ...RPC_FIELDS,
} as const satisfies HeaderSchema;
export type ConsumerSendMsgBackRequestHeader = HeaderOf<typeof ConsumerSendMsgBackRequestHeader>;

/**
 * The offset in a SUCCESS answer to QUERY_CONSUMER_OFFSET, GET_MAX_OFFSET, GET_MIN_OFFSET or
 * SEARCH_OFFSET_BY_TIMESTAMP; any other code is an MQBrokerError (QUERY_NOT_FOUND, 22, when a
 * group has no offset: Java's offset store then reads -1).
 */
export function processOffsetResponse(response: RemotingCommand, brokerAddr: string | null = null): number {
  if (response.code !== ResponseCode.SUCCESS) throw new MQBrokerError(response.code, response.remark, brokerAddr);
  return decodeNumericHeader(response.extFields, OffsetResponseHeader).offset;
}
