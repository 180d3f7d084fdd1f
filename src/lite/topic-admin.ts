import { decodeCustomHeader } from "../protocol/custom-header.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { excerpt } from "../protocol/json-text.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { CreateTopicRequestHeader } from "../rocketmq/headers.ts";
import { isSystemTopic } from "../rocketmq/message/topics.ts";
import { brokerTopicRefusal } from "./broker-topic-check.ts";
import { answer } from "./answer.ts";
import type { TopicTable } from "./topic-table.ts";

/** More queues than this per topic is refused: Java takes any number, which an in-memory store should not. */
const MAX_QUEUE_NUMS = 1024;

/** What UPDATE_AND_CREATE_TOPIC changes. */
export interface TopicAdminContext {
  readonly topics: TopicTable;
  /** The topic table changed: the name servers are to be told. */
  onTopicsChanged(): void;
}

/**
 * UPDATE_AND_CREATE_TOPIC (17) as Java's AdminBrokerProcessor answers it: the topic's config as
 * given (its queue counts, permissions, filter type and system flag; created, or replacing the one
 * it had), then the name servers told. A system topic or a name the broker's topic check refuses
 * is answered SYSTEM_ERROR with Java's remark.
 */
export function updateAndCreateTopic(request: RemotingCommand, ctx: TopicAdminContext): RemotingCommand {
  const h = decodeCustomHeader(request.extFields, CreateTopicRequestHeader);
  // Java's CreateTopicRequestHeader.checkFields, as the header is decoded.
  if (h.topicFilterType !== "SINGLE_TAG" && h.topicFilterType !== "MULTI_TAG") {
    return answer(request, ResponseCode.SYSTEM_ERROR, `topicFilterType = [${excerpt(h.topicFilterType)}] value invalid`);
  }
  const refusal = brokerTopicRefusal(h.topic) ?? (isSystemTopic(h.topic) ? `The topic[${h.topic}] is conflict with system topic.` : null);
  if (refusal !== null) return answer(request, ResponseCode.SYSTEM_ERROR, refusal);
  for (const [name, n] of [["readQueueNums", h.readQueueNums], ["writeQueueNums", h.writeQueueNums]] as const) {
    if (n < 0 || n > MAX_QUEUE_NUMS) return answer(request, ResponseCode.SYSTEM_ERROR, `${name} ${n} is out of range: 0 to ${MAX_QUEUE_NUMS}`);
  }
  const config = { topicName: h.topic, readQueueNums: h.readQueueNums, writeQueueNums: h.writeQueueNums, perm: h.perm, topicFilterType: h.topicFilterType, topicSysFlag: h.topicSysFlag ?? 0, order: false };
  ctx.topics.update(config);
  ctx.onTopicsChanged();
  return answer(request, ResponseCode.SUCCESS, null);
}
