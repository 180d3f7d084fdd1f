import { RemotingCommandError } from "../errors.ts";
import { quoted } from "../protocol/json-text.ts";
import { bodyRecord, intField, record, stringList, stringRecord } from "./body-shape.ts";
import { encodeFastjson } from "./fastjson.ts";
import { PermName } from "./route-data.ts";

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

/**
 * One topic of a registration as Java reads it into a TopicConfig: absent fields at Java's defaults
 * (16 queues each way, read and write permission), a field of the wrong type refused, where fastjson
 * fails the registration, so that routes never hand clients a queue count that is not a number.
 */
function topicConfigOf(topic: string, value: unknown, what: string): TopicConfig {
  const c = record(value, what);
  const { topicName = topic, topicFilterType = "SINGLE_TAG", order = false } = c;
  if (typeof topicName !== "string") throw new RemotingCommandError(`${what}.topicName: expected a string, got ${quoted(topicName)}`);
  if (topicFilterType !== "SINGLE_TAG" && topicFilterType !== "MULTI_TAG") throw new RemotingCommandError(`${what}.topicFilterType: expected "SINGLE_TAG" or "MULTI_TAG", got ${quoted(topicFilterType)}`);
  if (typeof order !== "boolean") throw new RemotingCommandError(`${what}.order: expected a boolean, got ${quoted(order)}`);
  const config: TopicConfig = {
    ...c,
    topicName,
    readQueueNums: intField(c.readQueueNums, 16, `${what}.readQueueNums`),
    writeQueueNums: intField(c.writeQueueNums, 16, `${what}.writeQueueNums`),
    perm: intField(c.perm, PermName.PERM_READ | PermName.PERM_WRITE, `${what}.perm`),
    topicFilterType,
    topicSysFlag: intField(c.topicSysFlag, 0, `${what}.topicSysFlag`),
    order,
  };
  if (c.attributes !== undefined && c.attributes !== null) config.attributes = stringRecord(c.attributes, `${what}.attributes`);
  return config;
}

/** Reads REGISTER_BROKER's JSON body (missing parts default to empty); throws RemotingCommandError on a malformed one. */
export function parseRegisterBrokerBody(body: Uint8Array | string | null): RegisterBrokerBody {
  const r = bodyRecord(body, "RegisterBrokerBody");
  const wrapper = record(r.topicConfigSerializeWrapper ?? {}, "RegisterBrokerBody.topicConfigSerializeWrapper");
  const what = "RegisterBrokerBody.topicConfigSerializeWrapper.topicConfigTable";
  const table = Object.fromEntries(Object.entries(record(wrapper.topicConfigTable ?? {}, what)).map(([topic, config]) => [topic, topicConfigOf(topic, config, `${what}.${topic}`)]));
  return {
    ...r,
    topicConfigSerializeWrapper: {
      ...wrapper,
      topicConfigTable: table,
      dataVersion: record(wrapper.dataVersion ?? { timestamp: 0, counter: 0 }, "RegisterBrokerBody.topicConfigSerializeWrapper.dataVersion") as unknown as DataVersion,
    },
    filterServerList: stringList(r.filterServerList ?? [], "RegisterBrokerBody.filterServerList"),
  };
}

/** REGISTER_BROKER's JSON body, as a Java broker writes it with fastjson. */
export function encodeRegisterBrokerBody(body: RegisterBrokerBody): Uint8Array {
  return encodeFastjson(body);
}
