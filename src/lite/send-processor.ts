import type { ProcessorContext } from "../core/inbound/processor.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { parseIpAndPort, readAddress, type IpAndPort } from "../rocketmq/message/ip-address.ts";
import { decodeMessageBatch } from "../rocketmq/message/message-batch-codec.ts";
import { MessageConst } from "../rocketmq/message/message-const.ts";
import { storedMessageId } from "../rocketmq/message/offset-message-id.ts";
import { decodeProperties, type Properties } from "../rocketmq/message/properties.ts";
import { dlqTopicOf, MixAll, NOT_ALLOWED_SEND_TOPICS } from "../rocketmq/message/topics.ts";
import { brokerTopicRefusal } from "./broker-topic-check.ts";
import { PermName } from "../rocketmq/route-data.ts";
import type { TopicConfig } from "../rocketmq/register-broker-body.ts";
import { decodeSendMessageRequestHeader, type SendHeader } from "../rocketmq/send-headers.ts";
import { readSendHeaderV2Bytes, type SendHeaderBytes } from "../rocketmq/send-header-bytes.ts";
import { readUtf8 } from "../protocol/utf8.ts";
import { answer } from "./answer.ts";
import { storedPropertiesOfBytes, storedSingleProperties, type StoredProperties } from "./stored-properties.ts";
import type { AppendedMessage } from "./message-store.ts";
import type { MessageInit, MessageWriter } from "./message-writer.ts";
import type { TopicTable } from "./topic-table.ts";

/** What storing a send needs of the broker. */
export interface SendStoreContext {
  readonly topics: TopicTable;
  readonly writer: MessageWriter;
  /** The broker's advertised address: the offset ids' and records' store host. */
  readonly storeHost: () => Readonly<IpAndPort>;
  readonly clusterName: string;
  /** A topic was created by this send: the name servers should hear of it. */
  readonly onTopicCreated: (topic: string) => void;
}

/** How many times a message may come back before it goes to the dead-letter queue (Java's SubscriptionGroupConfig.retryMaxTimes). */
export const DEFAULT_RETRY_MAX_TIMES = 16;
/** The request version from which a send's or send-back's maxReconsumeTimes counts (Java's V3_4_9). */
const MAX_RECONSUME_TIMES_SINCE_VERSION = 121;

/** The maxReconsumeTimes a send or send-back asks for, where its version lets it, else the group's. */
export function maxReconsumeTimesOf(request: RemotingCommand, asked: number | undefined): number {
  return asked !== undefined && request.version >= MAX_RECONSUME_TIMES_SINCE_VERSION ? asked : DEFAULT_RETRY_MAX_TIMES;
}

/** One message of a send, as it will be stored. */
interface Incoming {
  body: Uint8Array;
  flag: number;
  properties: Properties | StoredProperties;
}

/**
 * SEND_MESSAGE, SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE as Java 4.9.8's SendMessageProcessor answers
 * them: the topic checked or created from the default topic, the queue chosen or checked, CLUSTER
 * added to the properties and WAIT dropped, each message stored as a record, and the answer's
 * msgId (the offset id; comma-joined for a batch), queueId and queueOffset (the first message's).
 */
export function storeSend(ctx: ProcessorContext, request: RemotingCommand, broker: SendStoreContext): RemotingCommand {
  // A binary header is read from its bytes, its properties left as bytes; anything else is decoded.
  const raw = readSendHeaderV2Bytes(request);
  let header;
  try {
    header = raw?.header ?? decodeSendMessageRequestHeader(request);
  } catch (error) {
    return answer(request, ResponseCode.SYSTEM_ERROR, `the send's header is invalid: ${(error as Error).message}`);
  }
  let { topic } = header;
  const refusal = brokerTopicRefusal(topic);
  if (refusal !== null) return answer(request, ResponseCode.SYSTEM_ERROR, refusal);
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) return answer(request, ResponseCode.NO_PERMISSION, `Sending message to topic[${topic}] is forbidden.`);
  const config = topicFor(topic, header.defaultTopic, header.defaultTopicQueueNums, broker);
  if (config === undefined) {
    return answer(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist, apply first please!`);
  }
  if ((config.perm & PermName.PERM_WRITE) === 0) return answer(request, ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);
  let queueId = header.queueId;
  if (queueId < 0) queueId = Math.floor(Math.random() * config.writeQueueNums);
  if (queueId >= Math.max(config.writeQueueNums, config.readQueueNums)) {
    return answer(request, ResponseCode.SYSTEM_ERROR, `request queueId[${queueId}] is illegal, topic:[${topic}] topicConfig.writeQueueNums:[${config.writeQueueNums}] consumer:[${ctx.remoteAddress}]`);
  }

  // Java answers with this queue even when the message is stored elsewhere (a delayed one in the
  // schedule topic, a dead one in the DLQ); the offset is where it was stored.
  const answeredQueueId = queueId;
  const batch = request.code === RequestCode.SEND_BATCH_MESSAGE;
  const reconsumeTimes = header.reconsumeTimes ?? 0;
  // A retried message that has come back too often goes to the group's dead-letter queue, undelayed.
  const dead = !batch && topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX) && reconsumeTimes >= maxReconsumeTimesOf(request, header.maxReconsumeTimes);
  if (dead) {
    topic = dlqTopicOf(topic.slice(MixAll.RETRY_GROUP_TOPIC_PREFIX.length));
    queueId = 0;
    if (broker.topics.get(topic) === undefined) {
      broker.topics.ensure(topic, 1);
      broker.onTopicCreated(topic);
    }
  }
  let incoming: Incoming[];
  try {
    if (batch) incoming = batchMessages(request.body, decodeProperties(sentProperties(header, raw)), broker.clusterName);
    else {
      const properties = (dead ? null : storedForm(header, raw, broker.clusterName)) ?? singleProperties(decodeProperties(sentProperties(header, raw)), broker.clusterName);
      incoming = [{ body: request.body ?? new Uint8Array(0), flag: header.flag, properties }];
    }
  } catch (error) {
    return answer(request, ResponseCode.MESSAGE_ILLEGAL, `the batch body is invalid: ${(error as Error).message}`);
  }
  if (incoming.length === 0) return answer(request, ResponseCode.MESSAGE_ILLEGAL, "the batch holds no message");

  const bornHost = bornHostOf(ctx);
  const store = broker.storeHost();
  const messages: MessageInit[] = incoming.map((m) => {
    if (dead) delete (m.properties as Properties)[MessageConst.PROPERTY_DELAY_TIME_LEVEL]; // the object path, always for a dead one
    return { body: m.body, flag: m.flag, properties: m.properties, sysFlag: header.sysFlag, bornTimestamp: header.bornTimestamp, bornHost, reconsumeTimes };
  });
  const stored: AppendedMessage[] = broker.writer.put(topic, queueId, messages);
  let msgId = storedMessageId(store, stored[0]!.commitLogOffset);
  for (let i = 1; i < stored.length; i++) msgId += `,${storedMessageId(store, stored[i]!.commitLogOffset)}`;
  // SendMessageResponseHeader's fields, written as encodeCustomHeader writes them.
  const extFields = {
    msgId,
    queueId: String(answeredQueueId),
    queueOffset: String(stored[0]!.queueOffset),
    [MessageConst.PROPERTY_MSG_REGION]: MixAll.DEFAULT_TRACE_REGION_ID,
    [MessageConst.PROPERTY_TRACE_SWITCH]: "true",
  };
  return answer(request, ResponseCode.SUCCESS, null, { extFields });
}

/** A single message's stored properties worked out on the sent bytes (or the string), or null when the object path must run (see stored-properties.ts). */
function storedForm(header: SendHeader, raw: SendHeaderBytes | null, clusterName: string): StoredProperties | null {
  if (raw !== null && raw.propertiesStart >= 0) return storedPropertiesOfBytes(raw.bytes, raw.propertiesStart, raw.propertiesEnd, clusterName);
  return storedSingleProperties(sentProperties(header, raw), clusterName);
}

/** The properties a send's header carries, as text ("" for none). */
function sentProperties(header: SendHeader, raw: SendHeaderBytes | null): string {
  if (raw === null) return header.properties ?? "";
  return raw.propertiesStart < 0 ? "" : readUtf8(raw.bytes, raw.propertiesStart, raw.propertiesEnd);
}

/** The topic's config: as it is, or created from the default topic (or, for a retry topic, with one queue). */
function topicFor(topic: string, defaultTopic: string, defaultTopicQueueNums: number, broker: SendStoreContext): TopicConfig | undefined {
  const existing = broker.topics.get(topic);
  if (existing !== undefined) return existing;
  let created = broker.topics.createFromDefault(topic, defaultTopic, defaultTopicQueueNums);
  if (created === undefined && topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) created = broker.topics.ensure(topic, 1);
  if (created !== undefined) broker.onTopicCreated(topic);
  return created;
}

/** A single message's stored properties: as sent, CLUSTER added, WAIT dropped (4.9.8). */
function singleProperties(sent: Properties, clusterName: string): Properties {
  const properties = sent;
  delete properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK];
  properties[MessageConst.PROPERTY_CLUSTER] = clusterName;
  return properties;
}

/** A batch's messages: each one's own properties, then the batch's, then CLUSTER (CommitLog's batch encoder). */
function batchMessages(body: Uint8Array | null, outer: Properties, clusterName: string): Incoming[] {
  if (body === null) return [];
  return decodeMessageBatch(body).map((entry) => ({
    body: entry.body,
    flag: entry.flag,
    properties: Object.assign(entry.properties, outer, { [MessageConst.PROPERTY_CLUSTER]: clusterName }),
  }));
}

/** Where a connection's producer is, kept with the connection: worked out once, not per message. */
const BORN_HOST = "bun-remoting.lite.bornHost";

function bornHostOf(ctx: ProcessorContext): Readonly<IpAndPort> {
  let host = ctx.attributes.get(BORN_HOST) as Readonly<IpAndPort> | undefined;
  if (host === undefined) ctx.attributes.set(BORN_HOST, (host = readAddress(hostAndPort(ctx.remoteAddress))));
  return host;
}

/** The peer's "ip:port" as a record stores it; a peer without one (a unix socket) is 0.0.0.0:0. */
function hostAndPort(remoteAddress: string): string {
  try {
    parseIpAndPort(remoteAddress);
    return remoteAddress;
  } catch {
    const colon = remoteAddress.lastIndexOf(":");
    const bracketed = colon > 0 ? `[${remoteAddress.slice(0, colon)}]${remoteAddress.slice(colon)}` : "";
    try {
      parseIpAndPort(bracketed);
      return bracketed;
    } catch {
      return "0.0.0.0:0";
    }
  }
}
