import { RemotingCommandError } from "../errors.ts";
import { decodeHeaderField, encodeCustomHeader, fieldToString, type HeaderOf, type HeaderSchema } from "../protocol/custom-header.ts";
import { createRequest, createResponse, type RemotingCommand } from "../protocol/remoting-command.ts";
import { parseJavaInt } from "../protocol/java-int.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { RPC_FIELDS } from "./headers.ts";
import { compressedSysFlag } from "./message/compression.ts";
import { MessageConst } from "./message/message-const.ts";
import { MessageSysFlag } from "./message/message-sys-flag.ts";
import { encodeProperties, getProperty, type PropertiesInput } from "./message/properties.ts";
import { MixAll, TopicValidator } from "./message/topics.ts";
import { decodeNumericHeader, type NumericHeaderOf } from "./numeric-header.ts";
import type { RequestFields } from "./requests.ts";

/*
 * SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): the request header in its
 * long (V1) and one-letter (V2) forms, built as Java's DefaultMQProducerImpl.sendKernelImpl builds
 * it, and the answer's header. Schema fields are in Java's declaration order, which is the order
 * Java's ROCKETMQ encoding writes V2's fields in.
 */

/** SendMessageRequestHeader: SEND_MESSAGE (10), and what every send means. */
export const SendMessageRequestHeader = {
  /** The producer group sending. */
  producerGroup: "string!",
  /** The topic to send to. */
  topic: "string!",
  /** The topic whose config a broker copies to create `topic` (TBW102). */
  defaultTopic: "string!",
  /** Queues of an auto-created topic (at most the default topic's). */
  defaultTopicQueueNums: "int!",
  /** Below 0: the broker picks one. */
  queueId: "int!",
  /** MessageSysFlag bits. */
  sysFlag: "int!",
  /** When the producer created the message (ms since the epoch). */
  bornTimestamp: "long!",
  /** Message.flag. */
  flag: "int!",
  /** The properties string. */
  properties: "string",
  /** For a message sent to a retry topic: how many times it was retried. */
  reconsumeTimes: "int",
  /** Whether the producer runs in unit mode. */
  unitMode: "boolean",
  /** Whether the body is a batch of messages (SEND_BATCH_MESSAGE). */
  batch: "boolean",
  /** Only for %RETRY% topics. */
  maxReconsumeTimes: "int",
  ...RPC_FIELDS,
} as const satisfies HeaderSchema;
export type SendMessageRequestHeader = HeaderOf<typeof SendMessageRequestHeader>;

/** SendMessageRequestHeaderV2: SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320), one letter per V1 field. */
export const SendMessageRequestHeaderV2 = {
  /** producerGroup */
  a: "string!",
  /** topic */
  b: "string!",
  /** defaultTopic */
  c: "string!",
  /** defaultTopicQueueNums */
  d: "int!",
  /** queueId */
  e: "int!",
  /** sysFlag */
  f: "int!",
  /** bornTimestamp */
  g: "long!",
  /** flag */
  h: "int!",
  /** properties */
  i: "string",
  /** reconsumeTimes */
  j: "int",
  /** unitMode */
  k: "boolean",
  /** maxReconsumeTimes */
  l: "int",
  /** batch */
  m: "boolean",
  /** brokerName (bname) */
  n: "string",
} as const satisfies HeaderSchema;
export type SendMessageRequestHeaderV2 = HeaderOf<typeof SendMessageRequestHeaderV2>;

/** SendMessageResponseHeader (the broker also adds MSG_REGION and TRACE_ON to extFields). */
export const SendMessageResponseHeader = {
  /** The offset message id; comma-separated for a batch. */
  msgId: "string!",
  /** The queue the message was stored in. */
  queueId: "int!",
  /** The (first) message's queue offset. */
  queueOffset: "long!",
  /** The transaction id, for a transactional message. */
  transactionId: "string",
  /** 5.x. */
  batchUniqId: "string",
  /** 5.x. */
  recallHandle: "string",
} as const satisfies HeaderSchema;
export type SendMessageResponseHeader = HeaderOf<typeof SendMessageResponseHeader>;

/** A send's header as decodeSendMessageRequestHeader gives it (V1 names, numbers as numbers). */
export type SendHeader = NumericHeaderOf<typeof SendMessageRequestHeader>;
type SendHeaderV2 = NumericHeaderOf<typeof SendMessageRequestHeaderV2>;

/** SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2. */
export function sendMessageRequestHeaderV2(v1: SendHeader): SendHeaderV2 {
  return {
    a: v1.producerGroup,
    b: v1.topic,
    c: v1.defaultTopic,
    d: v1.defaultTopicQueueNums,
    e: v1.queueId,
    f: v1.sysFlag,
    g: v1.bornTimestamp,
    h: v1.flag,
    i: v1.properties,
    j: v1.reconsumeTimes,
    // k and m are Java primitives: always sent.
    k: v1.unitMode ?? false,
    l: v1.maxReconsumeTimes,
    m: v1.batch ?? false,
    n: v1.bname,
  };
}

/** SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1. */
export function sendMessageRequestHeaderV1(v2: SendHeaderV2): SendHeader {
  const v1: SendHeader = {
    producerGroup: v2.a,
    topic: v2.b,
    defaultTopic: v2.c,
    defaultTopicQueueNums: v2.d,
    queueId: v2.e,
    sysFlag: v2.f,
    bornTimestamp: v2.g,
    flag: v2.h,
    unitMode: v2.k ?? false,
    batch: v2.m ?? false,
  };
  // Absent optional fields stay absent rather than undefined.
  if (v2.i !== undefined) v1.properties = v2.i;
  if (v2.j !== undefined) v1.reconsumeTimes = v2.j;
  if (v2.l !== undefined) v1.maxReconsumeTimes = v2.l;
  if (v2.n !== undefined) v1.bname = v2.n;
  return v1;
}

/** What buildSendMessageRequestHeader needs besides the message's properties. */
export interface SendMessageHeaderInit {
  /** The producer group sending. */
  producerGroup: string;
  /** The topic to send to. */
  topic: string;
  /** The queue to store in. */
  queueId: number;
  /** The selected queue's broker (bname). */
  brokerName?: string;
  /** The message's final properties, UNIQ_KEY included (a batch: the batch's own, WAIT only). */
  properties: PropertiesInput;
  /** Message.flag. */
  flag?: number;
  /** Whether the body was compressed (adds COMPRESSED_FLAG | ZLIB, 769). */
  compressed?: boolean;
  /** SEND_BATCH_MESSAGE. */
  batch?: boolean;
  /** The producer's clock now; Date.now() by default. */
  bornTimestamp?: number;
  /** createTopicKey: TBW102 by default. */
  defaultTopic?: string;
  /** defaultTopicQueueNums: 4 by default. */
  defaultTopicQueueNums?: number;
  /** Whether the producer runs in unit mode. */
  unitMode?: boolean;
}

function propertyInt(properties: PropertiesInput, name: string): number | undefined {
  const raw = getProperty(properties, name);
  if (raw === undefined) return undefined;
  const n = parseJavaInt(raw);
  if (n === undefined) throw new RemotingCommandError(`message property ${name}: "${raw}" is not an int`);
  return n;
}

/**
 * The send header as Java's sendKernelImpl fills it: sysFlag from compression and TRAN_MSG=true
 * (TRANSACTION_PREPARED), defaultTopic TBW102 and 4 queues, reconsumeTimes 0, unitMode false. For a
 * %RETRY% topic, reconsumeTimes and maxReconsumeTimes come from the RECONSUME_TIME and
 * MAX_RECONSUME_TIMES properties. (Java then removes those two properties from the message, after
 * the properties string was made, so they stay in it; on a retried attempt Java's header no longer
 * carries them, a quirk this function does not copy: it reads the same map every time.)
 */
export function buildSendMessageRequestHeader(init: SendMessageHeaderInit): SendHeader {
  const props = init.properties;
  let sysFlag = init.compressed === true ? compressedSysFlag() : 0;
  if (getProperty(props, MessageConst.PROPERTY_TRANSACTION_PREPARED)?.toLowerCase() === "true") sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
  const header: SendHeader = {
    producerGroup: init.producerGroup,
    topic: init.topic,
    defaultTopic: init.defaultTopic ?? TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC,
    defaultTopicQueueNums: init.defaultTopicQueueNums ?? 4,
    queueId: init.queueId,
    sysFlag,
    bornTimestamp: init.bornTimestamp ?? Date.now(),
    flag: init.flag ?? 0,
    properties: encodeProperties(props),
    reconsumeTimes: 0,
    unitMode: init.unitMode ?? false,
    batch: init.batch ?? false,
  };
  if (init.brokerName !== undefined) header.bname = init.brokerName;
  if (init.topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) {
    const reconsumeTimes = propertyInt(props, MessageConst.PROPERTY_RECONSUME_TIME);
    if (reconsumeTimes !== undefined) header.reconsumeTimes = reconsumeTimes;
    const maxReconsumeTimes = propertyInt(props, MessageConst.PROPERTY_MAX_RECONSUME_TIMES);
    if (maxReconsumeTimes !== undefined) header.maxReconsumeTimes = maxReconsumeTimes;
  }
  return header;
}

/** Which request code a send uses (MQClientAPIImpl.sendMessage). */
export function sendRequestCode(options: { batch?: boolean; reply?: boolean; smart?: boolean } = {}): number {
  const smart = options.smart ?? true;
  if (options.reply === true) return smart ? RequestCode.SEND_REPLY_MESSAGE_V2 : RequestCode.SEND_REPLY_MESSAGE;
  if (options.batch === true) return RequestCode.SEND_BATCH_MESSAGE;
  return smart ? RequestCode.SEND_MESSAGE_V2 : RequestCode.SEND_MESSAGE;
}

/**
 * The send request: SEND_BATCH_MESSAGE (320) when `header.batch`, else SEND_MESSAGE_V2 (310), both
 * with the V2 header; SEND_MESSAGE (10) with the V1 header only when `smart` is false (Java's
 * sendSmartMsg); the reply codes (325 / 324) for a reply message (MSG_TYPE=reply). The body is the
 * message's (compressed) body or the encoded batch.
 */
export function createSendMessageRequest(
  header: SendHeader,
  body: Uint8Array,
  init?: RequestFields & { smart?: boolean; reply?: boolean },
): RemotingCommand {
  const code = sendRequestCode({ batch: header.batch, reply: init?.reply ?? false, smart: init?.smart ?? true });
  const v2 = code !== RequestCode.SEND_MESSAGE && code !== RequestCode.SEND_REPLY_MESSAGE;
  const ext = v2 ? encodeSendHeaderV2(header) : encodeCustomHeader(header, SendMessageRequestHeader);
  // createRequest reads only the command fields of `init` (smart and reply are left there); a producer gives no extFields.
  return createRequest(code, { ...init, extFields: init?.extFields === undefined ? ext : { ...ext, ...init.extFields }, body });
}

/**
 * encodeCustomHeader(sendMessageRequestHeaderV2(header), SendMessageRequestHeaderV2) written out:
 * every send encodes this header, and writing the fields straight from the V1 object instead of
 * walking the schema over a V2 copy took it from about 210 to 35 ns. The same strings in the same
 * order, null fields left out, the same error for a value no field can have.
 */
function encodeSendHeaderV2(h: SendHeader): Record<string, string> {
  const ext: Record<string, string> = {};
  let v: unknown;
  if ((v = h.producerGroup) != null) ext.a = fieldToString("a", v, "string");
  if ((v = h.topic) != null) ext.b = fieldToString("b", v, "string");
  if ((v = h.defaultTopic) != null) ext.c = fieldToString("c", v, "string");
  if ((v = h.defaultTopicQueueNums) != null) ext.d = fieldToString("d", v, "int");
  if ((v = h.queueId) != null) ext.e = fieldToString("e", v, "int");
  if ((v = h.sysFlag) != null) ext.f = fieldToString("f", v, "int");
  if ((v = h.bornTimestamp) != null) ext.g = fieldToString("g", v, "long");
  if ((v = h.flag) != null) ext.h = fieldToString("h", v, "int");
  if ((v = h.properties) != null) ext.i = fieldToString("i", v, "string");
  if ((v = h.reconsumeTimes) != null) ext.j = fieldToString("j", v, "int");
  ext.k = fieldToString("k", h.unitMode ?? false, "boolean");
  if ((v = h.maxReconsumeTimes) != null) ext.l = fieldToString("l", v, "int");
  ext.m = fieldToString("m", h.batch ?? false, "boolean");
  if ((v = h.bname) != null) ext.n = fieldToString("n", v, "string");
  return ext;
}

/**
 * A send request's header in its V1 form, whichever form it came in (the broker's
 * parseRequestHeader): V2 for SEND_MESSAGE_V2, SEND_BATCH_MESSAGE and SEND_REPLY_MESSAGE_V2, V1
 * otherwise. A missing required field or a value that does not parse is a RemotingCommandError.
 */
export function decodeSendMessageRequestHeader(request: RemotingCommand): SendHeader {
  switch (request.code) {
    case RequestCode.SEND_MESSAGE_V2:
    case RequestCode.SEND_BATCH_MESSAGE:
    case RequestCode.SEND_REPLY_MESSAGE_V2:
      return decodeSendHeaderV2(request.extFields);
    default:
      return decodeNumericHeader(request.extFields, SendMessageRequestHeader);
  }
}

/**
 * sendMessageRequestHeaderV1(decodeNumericHeader(ext, SendMessageRequestHeaderV2)) written out:
 * every send a broker takes reads this header, and building the V1 object in one go instead of
 * walking the schema into a V2 one first took it from 270 to 130 ns. Fields are read in the
 * schema's order, so the same bad field is reported.
 */
function decodeSendHeaderV2(ext: Readonly<Record<string, string>> | null): SendHeader {
  const producerGroup = decodeHeaderField(ext, "a", "string", true) as string;
  const topic = decodeHeaderField(ext, "b", "string", true) as string;
  const defaultTopic = decodeHeaderField(ext, "c", "string", true) as string;
  const defaultTopicQueueNums = decodeHeaderField(ext, "d", "int", true) as number;
  const queueId = decodeHeaderField(ext, "e", "int", true) as number;
  const sysFlag = decodeHeaderField(ext, "f", "int", true) as number;
  const bornTimestamp = decodeHeaderField(ext, "g", "long", true) as number;
  const flag = decodeHeaderField(ext, "h", "int", true) as number;
  const properties = decodeHeaderField(ext, "i", "string", false) as string | undefined;
  const reconsumeTimes = decodeHeaderField(ext, "j", "int", false) as number | undefined;
  const unitMode = decodeHeaderField(ext, "k", "boolean", false) as boolean | undefined;
  const maxReconsumeTimes = decodeHeaderField(ext, "l", "int", false) as number | undefined;
  const batch = decodeHeaderField(ext, "m", "boolean", false) as boolean | undefined;
  const bname = decodeHeaderField(ext, "n", "string", false) as string | undefined;
  const v1: SendHeader = { producerGroup, topic, defaultTopic, defaultTopicQueueNums, queueId, sysFlag, bornTimestamp, flag, unitMode: unitMode ?? false, batch: batch ?? false };
  // Absent optional fields stay absent rather than undefined, as sendMessageRequestHeaderV1 leaves them.
  if (properties !== undefined) v1.properties = properties;
  if (reconsumeTimes !== undefined) v1.reconsumeTimes = reconsumeTimes;
  if (maxReconsumeTimes !== undefined) v1.maxReconsumeTimes = maxReconsumeTimes;
  if (bname !== undefined) v1.bname = bname;
  return v1;
}

/**
 * A broker's answer to a send: the header, plus MSG_REGION and TRACE_ON, which a Java client reads
 * without a null check (an answer without them makes it fail). SUCCESS by default.
 */
export function createSendMessageResponse(
  header: NumericHeaderOf<typeof SendMessageResponseHeader>,
  options: { code?: number; remark?: string | null; regionId?: string; traceOn?: boolean } & RequestFields = {},
): RemotingCommand {
  const { code = ResponseCode.SUCCESS, remark = null, regionId = MixAll.DEFAULT_TRACE_REGION_ID, traceOn = true, ...rest } = options;
  const extFields = {
    ...encodeCustomHeader(header, SendMessageResponseHeader),
    [MessageConst.PROPERTY_TRACE_SWITCH]: String(traceOn),
    [MessageConst.PROPERTY_MSG_REGION]: regionId,
    ...rest.extFields,
  };
  return createResponse(code, remark, { ...rest, extFields });
}
