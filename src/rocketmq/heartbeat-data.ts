import { RemotingCommandError } from "../errors.ts";
import { encodeFastjson } from "./fastjson.ts";
import { bodyRecord, list, record } from "./body-shape.ts";

export interface ProducerData {
  groupName: string;
}

/** A consumer's subscription to one topic (Java's SubscriptionData). */
export interface SubscriptionData {
  classFilterMode?: boolean;
  topic: string;
  /** Tag expression, e.g. "*" or "TagA || TagB". */
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  /** "TAG" or "SQL92". */
  expressionType: string;
}

export interface ConsumerData {
  groupName: string;
  /** "CONSUME_ACTIVELY" (pull), "CONSUME_PASSIVELY" (push) or "CONSUME_POP". */
  consumeType: string;
  /** "CLUSTERING" or "BROADCASTING". */
  messageModel: string;
  /** e.g. "CONSUME_FROM_LAST_OFFSET". */
  consumeFromWhere: string;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

/** HEART_BEAT's body: who the client is and which groups it runs. */
export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
  /** 5.x: a hash of the rest, so a broker can skip unchanged heartbeats. */
  heartbeatFingerprint?: number;
  /** 5.x: true when the subscriptions are left out because they did not change. */
  isWithoutSub?: boolean;
}

export function parseHeartbeatData(body: Uint8Array | string | null): HeartbeatData {
  const r = bodyRecord(body, "HeartbeatData");
  if (typeof r.clientID !== "string") throw new RemotingCommandError(`HeartbeatData.clientID: expected a string, got ${JSON.stringify(r.clientID)}`);
  const consumers = list(r.consumerDataSet ?? [], "HeartbeatData.consumerDataSet").map((c, i) => {
    const consumer = record(c, `HeartbeatData.consumerDataSet[${i}]`);
    const subscriptions = list(consumer.subscriptionDataSet ?? [], `HeartbeatData.consumerDataSet[${i}].subscriptionDataSet`);
    subscriptions.forEach((s, j) => record(s, `HeartbeatData.consumerDataSet[${i}].subscriptionDataSet[${j}]`));
    return { ...consumer, subscriptionDataSet: subscriptions };
  });
  const producers = list(r.producerDataSet ?? [], "HeartbeatData.producerDataSet");
  producers.forEach((p, i) => record(p, `HeartbeatData.producerDataSet[${i}]`));
  return { ...r, producerDataSet: producers, consumerDataSet: consumers } as unknown as HeartbeatData;
}

export function encodeHeartbeatData(data: HeartbeatData): Uint8Array {
  return encodeFastjson(data);
}
