import { quoted } from "../protocol/json-text.ts";
import { encodeFastjson } from "./fastjson.ts";
import { bodyRecord, list, record, stringList } from "./body-shape.ts";
import { RemotingCommandError } from "../errors.ts";
import type { MessageQueue } from "./message-queue.ts";

/*
 * JSON bodies of the consumer-group calls: the consumer list (GET_CONSUMER_LIST_BY_GROUP's answer)
 * and the orderly consumers' queue locks (LOCK_BATCH_MQ, UNLOCK_BATCH_MQ). fastjson writes Java's
 * sets as arrays; their order means nothing.
 */

/** GET_CONSUMER_LIST_BY_GROUP's answer body (GetConsumerListByGroupResponseBody). */
export interface ConsumerIdList {
  /** The client ids of the group's members. */
  consumerIdList: string[];
}

/** LOCK_BATCH_MQ's request body (LockBatchRequestBody); UNLOCK_BATCH_MQ's has the same fields. */
export interface LockBatchRequestBody {
  /** The group the locks are taken for. */
  consumerGroup: string;
  /** The client asking for the locks. */
  clientId: string;
  /** The queues to lock. */
  mqSet: MessageQueue[];
  /** 5.x. */
  onlyThisBroker?: boolean;
}

/** LOCK_BATCH_MQ's answer body: the queues the requester now holds. */
export interface LockBatchResponseBody {
  /** The queues now locked by the client. */
  lockOKMQSet: MessageQueue[];
}

/** Reads GET_CONSUMER_LIST_BY_GROUP's answer body; a missing list is empty, a non-string id an error. */
export function parseConsumerIdList(body: Uint8Array | string | null): ConsumerIdList {
  const r = bodyRecord(body, "ConsumerIdList");
  return { ...r, consumerIdList: stringList(r.consumerIdList ?? [], "ConsumerIdList.consumerIdList") };
}

/** GET_CONSUMER_LIST_BY_GROUP's answer body, as a broker writes it. */
export function encodeConsumerIdList(body: ConsumerIdList): Uint8Array {
  return encodeFastjson(body);
}

function messageQueues(value: unknown, what: string): MessageQueue[] {
  return list(value ?? [], what).map((item, i) => {
    const q = record(item, `${what}[${i}]`);
    if (typeof q.topic !== "string" || typeof q.brokerName !== "string" || !Number.isInteger(q.queueId)) {
      throw new RemotingCommandError(`${what}[${i}]: expected {topic, brokerName, queueId}, got ${quoted(q)}`);
    }
    return { topic: q.topic, brokerName: q.brokerName, queueId: q.queueId as number };
  });
}

/** Reads LOCK_BATCH_MQ's or UNLOCK_BATCH_MQ's request body. */
export function parseLockBatchRequestBody(body: Uint8Array | string | null): LockBatchRequestBody {
  const r = bodyRecord(body, "LockBatchRequestBody");
  if (typeof r.consumerGroup !== "string" || typeof r.clientId !== "string") {
    throw new RemotingCommandError(`LockBatchRequestBody: consumerGroup and clientId must be strings, got ${quoted(r.consumerGroup)}, ${quoted(r.clientId)}`);
  }
  return { ...r, consumerGroup: r.consumerGroup, clientId: r.clientId, mqSet: messageQueues(r.mqSet, "LockBatchRequestBody.mqSet") };
}

/** LOCK_BATCH_MQ's (or UNLOCK_BATCH_MQ's) request body, as fastjson writes it. */
export function encodeLockBatchRequestBody(body: LockBatchRequestBody): Uint8Array {
  return encodeFastjson(body);
}

/** Reads LOCK_BATCH_MQ's answer body: the queues now locked by the requester. */
export function parseLockBatchResponseBody(body: Uint8Array | string | null): LockBatchResponseBody {
  const r = bodyRecord(body, "LockBatchResponseBody");
  return { lockOKMQSet: messageQueues(r.lockOKMQSet, "LockBatchResponseBody.lockOKMQSet") };
}

/** LOCK_BATCH_MQ's answer body, as a broker writes it. */
export function encodeLockBatchResponseBody(body: LockBatchResponseBody): Uint8Array {
  return encodeFastjson(body);
}
