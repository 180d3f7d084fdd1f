import { MessageConst } from "../message/message-const.ts";
import type { MessageExt } from "../message/message.ts";
import type { Properties } from "../message/properties.ts";

/** A message as the Consumer hands it over. */
export interface ConsumerMessage {
  /** The topic it was sent to (a retried message's original topic, not the retry topic). */
  readonly topic: string;
  /** TAGS, if any. */
  readonly tags: string | undefined;
  /** KEYS, if any (several keys are separated by one space). */
  readonly keys: string | undefined;
  /** A view into the received bytes (inflated if it was sent compressed). */
  readonly body: Uint8Array;
  /** Every property, user and system (an object without a prototype). */
  readonly properties: Readonly<Properties>;
  /** The producer's id of the message (UNIQ_KEY), else offsetMsgId. */
  readonly msgId: string;
  /** The broker's id of the stored record (store host + commit-log offset). */
  readonly offsetMsgId: string;
  /** The queue it was read from (for a retried message: of the group's retry topic). */
  readonly queueId: number;
  /** Its position in that queue. */
  readonly queueOffset: number;
  /** The broker it was read from. */
  readonly brokerName: string;
  /** How many times it came back for a retry (0 on first delivery). */
  readonly reconsumeTimes: number;
  /** The producer's clock when it sent it. */
  readonly bornTimestamp: number;
  /** The broker's clock when it stored it. */
  readonly storeTimestamp: number;
  /** The record's position in the broker's commit log. */
  readonly commitLogOffset: number;
}

/**
 * A consumer's view of a pulled record, Java's push consumer's: a message from the group's retry
 * topic shows its original topic (RETRY_TOPIC). `reconsumeTimes` may be raised for a local retry.
 */
export function toConsumerMessage(ext: MessageExt, brokerName: string, reconsumeTimes: number = ext.reconsumeTimes): ConsumerMessage {
  return {
    topic: ext.properties[MessageConst.PROPERTY_RETRY_TOPIC] ?? ext.topic,
    tags: ext.tags,
    keys: ext.keys,
    body: ext.body,
    properties: ext.properties,
    msgId: ext.msgId,
    offsetMsgId: ext.offsetMsgId,
    queueId: ext.queueId,
    queueOffset: ext.queueOffset,
    brokerName,
    reconsumeTimes,
    bornTimestamp: ext.bornTimestamp,
    storeTimestamp: ext.storeTimestamp,
    commitLogOffset: ext.commitLogOffset,
  };
}
