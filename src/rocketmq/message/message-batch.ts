import { MQClientError } from "../../errors.ts";
import { ResponseCode } from "../../protocol/response-code.ts";
import { encodeMessageBatch } from "./message-batch-codec.ts";
import { MessageConst } from "./message-const.ts";
import { messageProperties, type Message } from "./message.ts";
import { newProperties, type Properties } from "./properties.ts";
import { MixAll } from "./topics.ts";
import { checkMessage, DEFAULT_MAX_MESSAGE_SIZE } from "./validators.ts";

/*
 * Java's DefaultMQProducer.batch(): the batch rules of MessageBatch.generateFromList, each message
 * checked and given its own UNIQ_KEY, the body encoded and checked as one message. Compression is
 * never applied to a batch.
 */

/** A batch ready for SEND_BATCH_MESSAGE. */
export interface PreparedBatch {
  /** The topic every message of the batch goes to. */
  topic: string;
  /** The batch's own properties (WAIT only): header `i` of the send. */
  properties: Properties;
  /** The encoded messages. */
  body: Uint8Array;
  /** Each message's UNIQ_KEY, in order; joined by "," they are the send result's msgId. */
  uniqueIds: string[];
}

function refuse(reason: string, cause?: unknown): MQClientError {
  return new MQClientError(`Failed to initiate the MessageBatch: ${reason}`, { cause });
}

/**
 * MessageBatch.generateFromList's rules: at least one message, one topic, no retry topic, no delay
 * level, one waitStoreMsgOK. Throws MQClientError naming the rule and the message.
 */
export function checkBatch(messages: readonly Message[]): void {
  if (messages.length === 0) throw refuse("the batch is empty");
  const first = messages[0]!;
  messages.forEach((m, i) => {
    if ((m.delayTimeLevel ?? 0) > 0) throw refuse(`message ${i}: TimeDelayLevel is not supported for batching`);
    if (m.topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) throw refuse(`message ${i}: Retry Group is not supported for batching`);
    if (m.topic !== first.topic) throw refuse(`message ${i}: The topic of the messages in one batch should be the same`);
    if ((m.waitStoreMsgOK ?? true) !== (first.waitStoreMsgOK ?? true)) {
      throw refuse(`message ${i}: The waitStoreMsgOK of the messages in one batch should the same`);
    }
  });
}

/**
 * Everything DefaultMQProducer.batch() does: checkBatch, checkMessage for each message, a UNIQ_KEY
 * from `nextId` for each, the body encoded, and the body's size checked against maxMessageSize.
 */
export function prepareMessageBatch(messages: readonly Message[], options: { nextId: () => string; maxMessageSize?: number }): PreparedBatch {
  checkBatch(messages);
  const uniqueIds: string[] = [];
  const entries = messages.map((message, i) => {
    try {
      checkMessage(message, options);
    } catch (error) {
      throw refuse(`message ${i}: ${(error as Error).message}`, error);
    }
    const properties = messageProperties(message);
    const id = options.nextId();
    properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = id;
    uniqueIds.push(id);
    return { body: message.body, flag: message.flag, properties };
  });
  const body = encodeMessageBatch(entries);
  const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  if (body.length > max) throw MQClientError.withCode(ResponseCode.MESSAGE_ILLEGAL, `the message body size over max value, MAX: ${max}`);
  const first = messages[0]!;
  return {
    topic: first.topic,
    properties: Object.assign(newProperties(), { [MessageConst.PROPERTY_WAIT_STORE_MSG_OK]: first.waitStoreMsgOK === false ? "false" : "true" }),
    body,
    uniqueIds,
  };
}
