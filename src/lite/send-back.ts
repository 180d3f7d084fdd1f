import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { ConsumerSendMsgBackRequestHeader } from "../rocketmq/consumer-headers.ts";
import { MessageConst } from "../rocketmq/message/message-const.ts";
import type { Properties } from "../rocketmq/message/properties.ts";
import { dlqTopicOf, retryTopicOf } from "../rocketmq/message/topics.ts";
import { decodeNumericHeader } from "../rocketmq/numeric-header.ts";
import { answer } from "./answer.ts";
import { RETRY_QUEUE_NUMS } from "./client-manager.ts";
import type { MessageWriter } from "./message-writer.ts";
import { maxReconsumeTimesOf } from "./send-processor.ts";
import type { TopicTable } from "./topic-table.ts";

/** What a send-back needs of the broker. */
export interface SendBackContext {
  readonly topics: TopicTable;
  readonly writer: MessageWriter;
  readonly onTopicCreated: (topic: string) => void;
}

/**
 * CONSUMER_SEND_MSG_BACK as Java 4.9.8's SendMessageProcessor serves it: the message looked up by
 * its commit-log offset is stored again, RETRY_TOPIC and ORIGIN_MESSAGE_ID kept, reconsumeTimes
 * raised, in the group's retry topic after a delay (the asked level, or 3 + reconsumeTimes), or in
 * its dead-letter topic, undelayed, once it came back maxReconsumeTimes times (or when asked with
 * a negative level).
 */
export function sendBack(request: RemotingCommand, broker: SendBackContext): RemotingCommand {
  const header = decodeNumericHeader(request.extFields, ConsumerSendMsgBackRequestHeader);
  const original = broker.writer.lookUp(header.offset);
  if (original === undefined) return answer(request, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${header.offset}`);
  const properties: Properties = { ...(original.properties as Properties) };
  properties[MessageConst.PROPERTY_RETRY_TOPIC] ??= original.topic;
  properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = "false";
  properties[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID] ??= original.offsetMsgId;
  const dead = original.reconsumeTimes >= maxReconsumeTimesOf(request, header.maxReconsumeTimes) || header.delayLevel < 0;
  const topic = dead ? dlqTopicOf(header.group) : retryTopicOf(header.group);
  if (dead) delete properties[MessageConst.PROPERTY_DELAY_TIME_LEVEL];
  else properties[MessageConst.PROPERTY_DELAY_TIME_LEVEL] = String(header.delayLevel === 0 ? 3 + original.reconsumeTimes : header.delayLevel);
  if (broker.topics.get(topic) === undefined) {
    broker.topics.ensure(topic, RETRY_QUEUE_NUMS);
    broker.onTopicCreated(topic);
  }
  const { body, flag, sysFlag, bornTimestamp, bornHost } = original;
  broker.writer.put(topic, 0, [{ body, flag, properties, sysFlag, bornTimestamp, bornHost, reconsumeTimes: original.reconsumeTimes + 1 }]);
  return answer(request, ResponseCode.SUCCESS, null);
}
