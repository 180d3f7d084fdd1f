import { encodeFastjson } from "./fastjson.ts";
import { bodyRecord, record, stringList } from "./body-shape.ts";

/** A topic as a broker declares it when it registers (Java's TopicConfig). */
export interface TopicConfig {
  /** The topic. */
  topicName: string;
  /** How many queues consumers read. */
  readQueueNums: number;
  /** How many queues producers write. */
  writeQueueNums: number;
  /** PermName bits; 6 = read and write. */
  perm: number;
  /** "SINGLE_TAG" or "MULTI_TAG". */
  topicFilterType: string;
  /** Topic system flags (TopicSysFlag). */
  topicSysFlag: number;
  /** Whether the topic is ordered. */
  order: boolean;
  /** Topic attributes (5.x), by name. */
  attributes?: Record<string, string>;
}

/** Version of a broker's topic table; a name server re-reads the table when it changes. */
export interface DataVersion {
  /** The broker's state version (5.x). */
  stateVersion?: number;
  /** When the data last changed (ms since the epoch). */
  timestamp: number;
  /** Incremented on every change. */
  counter: number;
}

/** REGISTER_BROKER's body in its JSON form (the header's `compressed` is false). */
export interface RegisterBrokerBody {
  /** The broker's topics, with the version of that table. */
  topicConfigSerializeWrapper: {
    /** Topic name -> config. */
    topicConfigTable: Record<string, TopicConfig>;
    /** The version of the topic table: a name server skips an unchanged one. */
    dataVersion: DataVersion;
    /** 5.x adds static-topic mapping tables; passed through as received. */
    [field: string]: unknown;
  };
  /** Addresses of the broker's filter servers (removed in 5.x; empty). */
  filterServerList: string[];
}

/** Reads REGISTER_BROKER's JSON body (missing parts default to empty); throws RemotingCommandError on a malformed one. */
export function parseRegisterBrokerBody(body: Uint8Array | string | null): RegisterBrokerBody {
  const r = bodyRecord(body, "RegisterBrokerBody");
  const wrapper = record(r.topicConfigSerializeWrapper ?? {}, "RegisterBrokerBody.topicConfigSerializeWrapper");
  const table = record(wrapper.topicConfigTable ?? {}, "RegisterBrokerBody.topicConfigSerializeWrapper.topicConfigTable");
  for (const [topic, config] of Object.entries(table)) record(config, `RegisterBrokerBody.topicConfigSerializeWrapper.topicConfigTable.${topic}`);
  return {
    ...r,
    topicConfigSerializeWrapper: {
      ...wrapper,
      topicConfigTable: table as Record<string, TopicConfig>,
      dataVersion: record(wrapper.dataVersion ?? { timestamp: 0, counter: 0 }, "RegisterBrokerBody.topicConfigSerializeWrapper.dataVersion") as unknown as DataVersion,
    },
    filterServerList: stringList(r.filterServerList ?? [], "RegisterBrokerBody.filterServerList"),
  };
}

/** REGISTER_BROKER's JSON body, as a Java broker writes it with fastjson. */
export function encodeRegisterBrokerBody(body: RegisterBrokerBody): Uint8Array {
  return encodeFastjson(body);
}
