import type { RemotingClient } from "../../core/endpoint/remoting-client.ts";
import { MQBrokerError } from "../../errors.ts";
import { RemotingVersion } from "../../protocol/remoting-command.ts";
import { RequestCode } from "../../protocol/request-code.ts";
import { processOffsetResponse, QueryConsumerOffsetRequestHeader, QueueOffsetRequestHeader, SearchOffsetRequestHeader, UpdateConsumerOffsetRequestHeader } from "../consumer-headers.ts";
import type { MessageQueue } from "../message-queue.ts";
import { createHeaderRequest } from "../numeric-header.ts";

/*
 * The offset calls of a consumer, each to the master of the queue's broker (Java's
 * RemoteBrokerOffsetStore and MQAdminImpl).
 */

const init = { version: RemotingVersion.V4_9_8 };

/**
 * The group's committed offset of `queue` (QUERY_CONSUMER_OFFSET), or -1 when the broker has none
 * (any broker code but SUCCESS, as 4.9.8 reads it). A failed call rejects.
 */
export async function readCommittedOffset(client: RemotingClient, addr: string, group: string, queue: MessageQueue, timeoutMs: number): Promise<number> {
  const header = { consumerGroup: group, topic: queue.topic, queueId: queue.queueId, bname: queue.brokerName };
  const response = await client.invokeSync(addr, createHeaderRequest(RequestCode.QUERY_CONSUMER_OFFSET, QueryConsumerOffsetRequestHeader, header, init), timeoutMs);
  try {
    return processOffsetResponse(response, addr);
  } catch (error) {
    if (error instanceof MQBrokerError) return -1;
    throw error;
  }
}

/** GET_MAX_OFFSET: the offset the queue's next message will get. */
export async function maxOffsetOf(client: RemotingClient, addr: string, queue: MessageQueue, timeoutMs: number): Promise<number> {
  const header = { topic: queue.topic, queueId: queue.queueId, bname: queue.brokerName };
  return processOffsetResponse(await client.invokeSync(addr, createHeaderRequest(RequestCode.GET_MAX_OFFSET, QueueOffsetRequestHeader, header, init), timeoutMs), addr);
}

/** SEARCH_OFFSET_BY_TIMESTAMP: the offset of the message stored nearest `timestamp` (4.9.8). */
export async function offsetByTimestamp(client: RemotingClient, addr: string, queue: MessageQueue, timestamp: number, timeoutMs: number): Promise<number> {
  const header = { topic: queue.topic, queueId: queue.queueId, timestamp, bname: queue.brokerName };
  return processOffsetResponse(await client.invokeSync(addr, createHeaderRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, SearchOffsetRequestHeader, header, init), timeoutMs), addr);
}

/**
 * UPDATE_CONSUMER_OFFSET. Java sends it oneway; this waits for the broker's answer, so that a
 * failed commit is reported and close() resolves once the broker has the offsets.
 */
export async function commitOffset(client: RemotingClient, addr: string, group: string, queue: MessageQueue, offset: number, timeoutMs: number): Promise<void> {
  const header = { consumerGroup: group, topic: queue.topic, queueId: queue.queueId, commitOffset: offset, bname: queue.brokerName };
  const response = await client.invokeSync(addr, createHeaderRequest(RequestCode.UPDATE_CONSUMER_OFFSET, UpdateConsumerOffsetRequestHeader, header, init), timeoutMs);
  if (response.code !== 0) throw new MQBrokerError(response.code, response.remark, addr);
}
