import { MQClientError, RemotingCommandError } from "../errors.ts";
import { parseJavaInt } from "../protocol/java-int.ts";
import type { MessageQueue } from "./message-queue.ts";
import { masterOfBroker, PermName, type TopicRouteData } from "./route-data.ts";
import { ClientErrorCode } from "./send-result.ts";

/*
 * From a topic's route to the queues a producer sends to and a consumer reads
 * (MQClientInstance.topicRouteData2TopicPublishInfo / topicRouteData2TopicSubscribeInfo), and the
 * producer's queue choice (TopicPublishInfo.selectOneMessageQueue).
 */

/** The queues a producer may send a topic's messages to (Java's TopicPublishInfo). */
export interface TopicPublishInfo {
  /** True when the queues come from the name server's orderTopicConf. */
  orderTopic: boolean;
  /** In send order: brokers by name, queue ids from 0. Empty means nowhere to send (Java: !ok()). */
  messageQueueList: MessageQueue[];
  /** The route it was built from. */
  route: TopicRouteData;
}

const isWriteable = (perm: number): boolean => (perm & PermName.PERM_WRITE) !== 0;
const isReadable = (perm: number): boolean => (perm & PermName.PERM_READ) !== 0;

function orderTopicQueues(topic: string, conf: string): MessageQueue[] {
  const queues: MessageQueue[] = [];
  const entries = conf.split(";");
  while (entries.length > 0 && entries[entries.length - 1] === "") entries.pop(); // Java's split drops trailing empties
  for (const entry of entries) {
    const [brokerName, count] = entry.split(":");
    const queueCount = count === undefined ? undefined : parseJavaInt(count);
    if (brokerName === undefined || queueCount === undefined) {
      throw new RemotingCommandError(`TopicRouteData.orderTopicConf: "${entry}" is not brokerName:queueCount (in "${conf}")`);
    }
    for (let i = 0; i < queueCount; i++) queues.push({ topic, brokerName, queueId: i });
  }
  return queues;
}

/**
 * Java's topicRouteData2TopicPublishInfo. With an orderTopicConf ("broker-a:4;broker-b:4") the
 * queues are exactly those, no permission check, and the topic is an order topic. Otherwise, for
 * each queue data in broker-name order that is writable and whose broker has a master (id 0),
 * queue ids 0..writeQueueNums-1.
 */
export function topicRouteDataToPublishInfo(topic: string, route: TopicRouteData): TopicPublishInfo {
  if (route.orderTopicConf !== undefined && route.orderTopicConf !== null && route.orderTopicConf.length > 0) {
    return { orderTopic: true, messageQueueList: orderTopicQueues(topic, route.orderTopicConf), route };
  }
  const queues: MessageQueue[] = [];
  const byName = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  for (const qd of byName) {
    if (!isWriteable(qd.perm)) continue;
    const broker = route.brokerDatas.find((bd) => bd.brokerName === qd.brokerName);
    if (broker === undefined || masterOfBroker(broker) === undefined) continue;
    for (let i = 0; i < qd.writeQueueNums; i++) queues.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return { orderTopic: false, messageQueueList: queues, route };
}

/**
 * Java's topicRouteData2TopicSubscribeInfo: for each readable queue data, queue ids
 * 0..readQueueNums-1 (no master needed: slaves serve pulls), each queue once.
 */
export function topicRouteDataToSubscribeInfo(topic: string, route: TopicRouteData): MessageQueue[] {
  const queues: MessageQueue[] = [];
  const seen = new Set<string>();
  for (const qd of route.queueDatas) {
    if (!isReadable(qd.perm)) continue;
    for (let i = 0; i < qd.readQueueNums; i++) {
      const key = `${qd.brokerName}\u0000${i}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queues.push({ topic, brokerName: qd.brokerName, queueId: i });
    }
  }
  return queues;
}

/**
 * The route a producer borrows for a topic the name server does not know (MQClientInstance, with
 * isDefault): TBW102's route with every queue data's read and write queue numbers set to
 * min(defaultTopicQueueNums, readQueueNums). A new route; `route` is left as it is.
 */
export function defaultTopicRoute(route: TopicRouteData, defaultTopicQueueNums = 4): TopicRouteData {
  return {
    ...route,
    queueDatas: route.queueDatas.map((qd) => {
      const nums = Math.min(defaultTopicQueueNums, qd.readQueueNums);
      return { ...qd, readQueueNums: nums, writeQueueNums: nums };
    }),
  };
}

/** The master's address of `brokerName` in a route (brokerAddrs[0]), as sends and offset calls use. */
export function masterAddressOf(route: TopicRouteData, brokerName: string): string | undefined {
  for (const broker of route.brokerDatas) if (broker.brokerName === brokerName) return masterOfBroker(broker);
  return undefined;
}

/**
 * The master's address of `brokerName` in the first of `routes` that names one; an MQClientError
 * (Java's "The broker[...] not exist", BROKER_NOT_EXIST_EXCEPTION) when none does.
 */
export function requireMasterAddress(routes: Iterable<TopicRouteData>, brokerName: string): string {
  for (const route of routes) {
    const addr = masterAddressOf(route, brokerName);
    if (addr !== undefined) return addr;
  }
  throw new MQClientError(`The broker[${brokerName}] not exist`, { responseCode: ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION });
}

/**
 * The producer's rotating queue counter (Java's ThreadLocalIndex): starts at a random non-negative
 * int, each use adds one and keeps 31 bits.
 */
export class SendQueueIndex {
  #value: number;

  constructor(start: number = Math.floor(Math.random() * 0x80000000)) {
    this.#value = start | 0;
  }

  /** The next index: one more than the last, kept to 31 bits. */
  next(): number {
    this.#value = (this.#value + 1) | 0;
    return this.#value & 0x7fffffff;
  }
}

/**
 * TopicPublishInfo.selectOneMessageQueue, without latency fault tolerance (Java's default): round
 * robin; on a retry (`lastBrokerName` given), up to one round looking for a queue of another
 * broker, then round robin anyway. `queues` must not be empty.
 */
export function selectOneMessageQueue(queues: readonly MessageQueue[], index: SendQueueIndex, lastBrokerName?: string | null): MessageQueue {
  if (queues.length === 0) throw new TypeError("selectOneMessageQueue: no queues to choose from");
  if (lastBrokerName !== undefined && lastBrokerName !== null) {
    for (let i = 0; i < queues.length; i++) {
      const mq = queues[index.next() % queues.length]!;
      if (mq.brokerName !== lastBrokerName) return mq;
    }
  }
  return queues[index.next() % queues.length]!;
}
