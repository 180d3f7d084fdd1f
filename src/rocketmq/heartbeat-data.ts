import { quoted } from "../protocol/json-text.ts";
import { RemotingCommandError } from "../errors.ts";
import { encodeFastjson } from "./fastjson.ts";
import { bodyRecord, list, record, stringList } from "./body-shape.ts";

/** How a consumer gets its messages (Java's ConsumeType). */
export const ConsumeType = {
  /** Pull and lite pull consumers. */
  CONSUME_ACTIVELY: "CONSUME_ACTIVELY",
  /** Push consumers. */
  CONSUME_PASSIVELY: "CONSUME_PASSIVELY",
  /** 5.x POP consumers. */
  CONSUME_POP: "CONSUME_POP",
} as const;

/** Whether a group shares its queues out or every member reads everything (Java's MessageModel). */
export const MessageModel = { BROADCASTING: "BROADCASTING", CLUSTERING: "CLUSTERING" } as const;

/** Where a consumer group without a stored offset starts (Java 4.9.8's ConsumeFromWhere). */
export const ConsumeFromWhere = {
  CONSUME_FROM_LAST_OFFSET: "CONSUME_FROM_LAST_OFFSET",
  /** Deprecated in Java; treated as LAST_OFFSET. */
  CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST: "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
  /** Deprecated in Java; treated as LAST_OFFSET. */
  CONSUME_FROM_MIN_OFFSET: "CONSUME_FROM_MIN_OFFSET",
  /** Deprecated in Java; treated as LAST_OFFSET. */
  CONSUME_FROM_MAX_OFFSET: "CONSUME_FROM_MAX_OFFSET",
  CONSUME_FROM_FIRST_OFFSET: "CONSUME_FROM_FIRST_OFFSET",
  CONSUME_FROM_TIMESTAMP: "CONSUME_FROM_TIMESTAMP",
} as const;

/** A producer group of the client (every Java client also reports CLIENT_INNER_PRODUCER). */
export interface ProducerData {
  /** The producer group. */
  groupName: string;
}

/**
 * A consumer's subscription to one topic (Java's SubscriptionData); buildSubscriptionData makes one
 * from an expression. fastjson writes every field, classFilterMode included.
 */
export interface SubscriptionData {
  /** Java's class filter mode (removed in 5.x); always false here. */
  classFilterMode?: boolean;
  /** The topic subscribed to. */
  topic: string;
  /** Tag expression, e.g. "*" or "TagA || TagB". */
  subString: string;
  /** The trimmed tags of the expression (empty for "*"). */
  tagsSet: string[];
  /** Java String.hashCode of each tag: what the broker filters on. */
  codeSet: number[];
  /** Creation time in ms: a broker keeps the subscription with the highest one. */
  subVersion: number;
  /** "TAG" or "SQL92". */
  expressionType: string;
}

/** A consumer group of the client, with its subscriptions. */
export interface ConsumerData {
  /** The consumer group. */
  groupName: string;
  /** A ConsumeType: "CONSUME_ACTIVELY" (pull), "CONSUME_PASSIVELY" (push) or "CONSUME_POP". */
  consumeType: string;
  /** A MessageModel: "CLUSTERING" or "BROADCASTING". */
  messageModel: string;
  /** A ConsumeFromWhere, e.g. "CONSUME_FROM_LAST_OFFSET". */
  consumeFromWhere: string;
  /** One subscription per topic the group consumes (its retry topic included). */
  subscriptionDataSet: SubscriptionData[];
  /** Whether the consumer runs in unit mode. */
  unitMode: boolean;
}

/** HEART_BEAT's body: who the client is and which groups it runs. */
export interface HeartbeatData {
  /** The client's id (ip@instance). */
  clientID: string;
  /** The producer groups this client sends for. */
  producerDataSet: ProducerData[];
  /** The consumer groups this client is a member of. */
  consumerDataSet: ConsumerData[];
  /** 5.x: a hash of the rest, so a broker can skip unchanged heartbeats. */
  heartbeatFingerprint?: number;
  /** 5.x: true when the subscriptions are left out because they did not change. */
  isWithoutSub?: boolean;
}

/** Checks the fields a broker filters on (a malformed subscription fails here, by name) and fills in missing sets. */
function normalizeSubscription(value: unknown, what: string): void {
  const s = record(value, what);
  if (typeof s.topic !== "string") throw new RemotingCommandError(`${what}.topic: expected a string, got ${quoted(s.topic)}`);
  if (typeof s.subString !== "string") throw new RemotingCommandError(`${what}.subString: expected a string, got ${quoted(s.subString)}`);
  s.tagsSet = stringList(s.tagsSet ?? [], `${what}.tagsSet`);
  list(s.codeSet ?? [], `${what}.codeSet`).forEach((c, k) => {
    if (!Number.isInteger(c)) throw new RemotingCommandError(`${what}.codeSet[${k}]: expected an integer, got ${quoted(c)}`);
  });
  s.codeSet ??= [];
}

/**
 * Reads HEART_BEAT's body. Each subscription must have a topic and a subString; tagsSet and codeSet
 * default to empty and must hold strings and integers.
 */
export function parseHeartbeatData(body: Uint8Array | string | null): HeartbeatData {
  const r = bodyRecord(body, "HeartbeatData");
  if (typeof r.clientID !== "string") throw new RemotingCommandError(`HeartbeatData.clientID: expected a string, got ${quoted(r.clientID)}`);
  const consumers = list(r.consumerDataSet ?? [], "HeartbeatData.consumerDataSet").map((c, i) => {
    const consumer = record(c, `HeartbeatData.consumerDataSet[${i}]`);
    const subscriptions = list(consumer.subscriptionDataSet ?? [], `HeartbeatData.consumerDataSet[${i}].subscriptionDataSet`);
    subscriptions.forEach((s, j) => normalizeSubscription(s, `HeartbeatData.consumerDataSet[${i}].subscriptionDataSet[${j}]`));
    return { ...consumer, subscriptionDataSet: subscriptions };
  });
  const producers = list(r.producerDataSet ?? [], "HeartbeatData.producerDataSet");
  producers.forEach((p, i) => record(p, `HeartbeatData.producerDataSet[${i}]`));
  return { ...r, producerDataSet: producers, consumerDataSet: consumers } as unknown as HeartbeatData;
}

/** HEART_BEAT's body as fastjson writes it: properties sorted by name, absent ones left out. */
export function encodeHeartbeatData(data: HeartbeatData): Uint8Array {
  return encodeFastjson(data);
}
