import { encodeFastjson } from "./fastjson.ts";
import { bodyRecord, list, record, stringList, stringRecord } from "./body-shape.ts";

/*
 * What a name server answers (spec 2.6): route data for a topic, the cluster table, the topic list.
 * Parsers accept both the standard and fastjson's bare-key form; encoders write either.
 */

/** The broker id of a master in BrokerData.brokerAddrs (Java's MixAll.MASTER_ID). */
export const MASTER_ID = 0;

/** Permission bits of a topic or queue (Java's PermName): 6 = read and write. */
export const PermName = {
  PERM_PRIORITY: 8,
  PERM_READ: 4,
  PERM_WRITE: 2,
  PERM_INHERIT: 1,
} as const;

/** One broker's queues of a topic. */
export interface QueueData {
  /** The broker holding the queues. */
  brokerName: string;
  /** How many queues consumers read. */
  readQueueNums: number;
  /** How many queues producers write. */
  writeQueueNums: number;
  /** Read and write permissions (PermName bits). */
  perm: number;
  /** Topic system flags (TopicSysFlag). */
  topicSysFlag: number;
}

/** brokerAddrs' key of a master. */
const MASTER_KEY = String(MASTER_ID);

/** The master's "ip:port" in a broker group (brokerAddrs[MASTER_ID]), if it has one. */
export function masterOfBroker(broker: BrokerData): string | undefined {
  return broker.brokerAddrs[MASTER_KEY];
}

/** One broker group: its master (id 0) and slaves, by broker id. */
export interface BrokerData {
  /** The cluster the broker belongs to. */
  cluster: string;
  /** The broker's name (a master and its slaves share it). */
  brokerName: string;
  /** Broker id ("0" = master) -> "ip:port". Java's Map<Long, String>. */
  brokerAddrs: Record<string, string>;
  /** The broker's zone (5.x), if it has one. */
  zoneName?: string;
  /** Whether a slave may act as master while the master is down (5.x). */
  enableActingMaster?: boolean;
}

/** GET_ROUTEINFO_BY_TOPIC's answer. */
export interface TopicRouteData {
  /** An ordered topic's configuration ("brokerName:queueNums;..."), if any. */
  orderTopicConf?: string;
  /** The topic's queues on each broker. */
  queueDatas: QueueData[];
  /** The brokers serving the topic, with their addresses. */
  brokerDatas: BrokerData[];
  /** Broker address -> filter server addresses (empty in current clusters). */
  filterServerTable: Record<string, string[]>;
  /** Static topics (5.x); passed through as received. */
  topicQueueMappingByBroker?: Record<string, unknown>;
}

/** GET_BROKER_CLUSTER_INFO's answer. */
export interface ClusterInfo {
  /** Broker name -> its group. */
  brokerAddrTable: Record<string, BrokerData>;
  /** Cluster name -> broker names. */
  clusterAddrTable: Record<string, string[]>;
}

/** GET_ALL_TOPIC_LIST_FROM_NAMESERVER's answer (and a few broker calls'). */
export interface TopicList {
  /** The topic names. */
  topicList: string[];
  /** The broker the list came from, when it came from one. */
  brokerAddr?: string;
}

/** How a body with broker-id maps (route data, cluster info) is written. */
export interface BodyEncoding {
  /**
   * True: standard JSON (`{"0":"..."}`), what a name server sends to clients of version >= 401 or
   * that set acceptStandardJsonOnly. False: fastjson's default, broker ids as bare keys (`{0:"..."}`).
   */
  standardJson?: boolean;
}

const LONG_KEYED = new Set(["brokerAddrs"]);
const encoding = (standardJson: boolean) => (standardJson ? {} : { bareKeyMaps: LONG_KEYED });

function brokerData(value: unknown, what: string): BrokerData {
  const b = record(value, what);
  return { ...b, brokerAddrs: stringRecord(b.brokerAddrs ?? {}, `${what}.brokerAddrs`) } as BrokerData;
}

/** Reads GET_ROUTEINFO_BY_TOPIC's body (either JSON form); missing tables come back empty. */
export function parseTopicRouteData(body: Uint8Array | string | null): TopicRouteData {
  const r = bodyRecord(body, "TopicRouteData");
  return {
    ...r,
    queueDatas: list(r.queueDatas ?? [], "TopicRouteData.queueDatas").map((q, i) => record(q, `TopicRouteData.queueDatas[${i}]`)) as unknown as QueueData[],
    brokerDatas: list(r.brokerDatas ?? [], "TopicRouteData.brokerDatas").map((b, i) => brokerData(b, `TopicRouteData.brokerDatas[${i}]`)),
    filterServerTable: record(r.filterServerTable ?? {}, "TopicRouteData.filterServerTable") as Record<string, string[]>,
  };
}

/** TopicRouteData as a name server writes it; standard JSON unless told otherwise. */
export function encodeTopicRouteData(route: TopicRouteData, { standardJson = true }: BodyEncoding = {}): Uint8Array {
  return encodeFastjson(route, encoding(standardJson));
}

/** Reads GET_BROKER_CLUSTER_INFO's body (a name server always sends fastjson's bare-key form). */
export function parseClusterInfo(body: Uint8Array | string | null): ClusterInfo {
  const r = bodyRecord(body, "ClusterInfo");
  const brokers = record(r.brokerAddrTable ?? {}, "ClusterInfo.brokerAddrTable");
  const clusters = record(r.clusterAddrTable ?? {}, "ClusterInfo.clusterAddrTable");
  return {
    ...r,
    brokerAddrTable: Object.fromEntries(Object.entries(brokers).map(([name, b]) => [name, brokerData(b, `ClusterInfo.brokerAddrTable.${name}`)])),
    clusterAddrTable: Object.fromEntries(Object.entries(clusters).map(([name, l]) => [name, stringList(l, `ClusterInfo.clusterAddrTable.${name}`)])),
  };
}

/** ClusterInfo as a name server writes it: fastjson's bare-key form unless told otherwise (as Java). */
export function encodeClusterInfo(info: ClusterInfo, { standardJson = false }: BodyEncoding = {}): Uint8Array {
  return encodeFastjson(info, encoding(standardJson));
}

/** Reads a TopicList body; throws RemotingCommandError on a malformed one. */
export function parseTopicList(body: Uint8Array | string | null): TopicList {
  const r = bodyRecord(body, "TopicList");
  return { ...r, topicList: stringList(r.topicList ?? [], "TopicList.topicList") };
}

/** A TopicList body, as Java writes it. */
export function encodeTopicList(topics: TopicList): Uint8Array {
  return encodeFastjson(topics);
}
