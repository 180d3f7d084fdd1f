import { MessageConst } from "./message-const.ts";
import { forEachProperty, newProperties, type Properties, type PropertiesInput } from "./properties.ts";

/**
 * A message as a producer sends it (Java's Message). Tags, keys, delay level and waitStoreMsgOK are
 * properties on the wire; here they are fields, and `properties` holds only the user's own (names
 * Java reserves are refused by checkMessage). messageProperties() gives the map that is sent.
 */
export interface Message {
  /** The topic the message is sent to. */
  topic: string;
  /** Non-empty, at most maxMessageSize (4 MiB) bytes before compression. */
  body: Uint8Array;
  /** One tag (TAGS); consumers filter on it. */
  tags?: string;
  /** Business keys (KEYS), joined by one space; brokers index them for queries. */
  keys?: string | readonly string[];
  /** 1..18 with the default broker table (DELAY); 0 or absent sends at once. Not allowed in batches. */
  delayTimeLevel?: number;
  /** Whether the broker answers only once the message is flushed (WAIT); true when absent, as in Java. */
  waitStoreMsgOK?: boolean;
  /** An int32 of the application's, stored with the message (Java's Message.flag). */
  flag?: number;
  /** User properties. */
  properties?: PropertiesInput;
}

/**
 * The properties of `message` as Java's Message would hold them: TAGS and KEYS when non-empty, WAIT
 * always (Java's constructors set it), DELAY when above 0, then the user properties. A new object
 * the caller may add to (a producer adds UNIQ_KEY).
 */
export function messageProperties(message: Message): Properties {
  const map = newProperties();
  if (message.tags !== undefined && message.tags.length > 0) map[MessageConst.PROPERTY_TAGS] = message.tags;
  const keys = typeof message.keys === "string" ? message.keys : message.keys?.join(MessageConst.KEY_SEPARATOR);
  if (keys !== undefined && keys.length > 0) map[MessageConst.PROPERTY_KEYS] = keys;
  map[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = message.waitStoreMsgOK === false ? "false" : "true";
  if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0) map[MessageConst.PROPERTY_DELAY_TIME_LEVEL] = String(message.delayTimeLevel);
  if (message.properties !== undefined) forEachProperty(message.properties, (name, value) => (map[name] = value));
  return map;
}

/**
 * A message as a consumer receives it (Java's MessageExt, with MessageClientExt's msgId), decoded
 * from a stored record by decodeMessageExts.
 */
export interface MessageExt {
  /** The topic it is stored under. */
  readonly topic: string;
  /** The body; a view into the received bytes, or the inflated bytes if it was compressed. */
  readonly body: Uint8Array;
  /** The properties (an object without a prototype). */
  readonly properties: Readonly<Properties>;
  /** TAGS, if any. */
  readonly tags: string | undefined;
  /** KEYS, if any (several keys are separated by one space). */
  readonly keys: string | undefined;
  /** The message's flag (an application-defined int). */
  readonly flag: number;
  /** UNIQ_KEY when present, else offsetMsgId (Java's MessageClientExt.getMsgId). */
  readonly msgId: string;
  /** Store host + commit-log offset as hex (Java's MessageClientExt.getOffsetMsgId). */
  readonly offsetMsgId: string;
  /** UNIQ_KEY of a prepared transactional message (TRAN_MSG=true), as Java's processPullResult sets it. */
  readonly transactionId: string | undefined;
  /** The broker that served the message, when the decoder was told (Java sets it after a pull). */
  readonly brokerName: string | undefined;
  /** The queue it is stored in. */
  readonly queueId: number;
  /** The message's position in its queue. */
  readonly queueOffset: number;
  /** The record's position in the broker's commit log (what CONSUMER_SEND_MSG_BACK names). */
  readonly commitLogOffset: number;
  /** How many times it was sent back for a retry. */
  readonly reconsumeTimes: number;
  /** The producer's clock when it sent the message. */
  readonly bornTimestamp: number;
  /** The producer's address as the broker saw it: "ip:port" ("[v6]:port"). */
  readonly bornHost: string;
  /** The broker's clock when it stored the message. */
  readonly storeTimestamp: number;
  /** The storing broker's address: "ip:port" ("[v6]:port"). */
  readonly storeHost: string;
  /** MessageSysFlag bits as stored. */
  readonly sysFlag: number;
  /** CRC-32 of the stored (possibly compressed) body, sign bit cleared. */
  readonly bodyCRC: number;
  /** The record's length in bytes. */
  readonly storeSize: number;
  /** The prepared message's commit-log offset for a transaction's commit or rollback; 0 otherwise. */
  readonly preparedTransactionOffset: number;
}
