import { encodeFastjson } from "./fastjson.ts";
import { bodyRecord, record, stringList } from "./body-shape.ts";

/** A topic as a broker declares it when it registers (Java's TopicConfig). */
export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  /** PermName bits; 6 = read and write. */
  perm: number;
  /** "SINGLE_TAG" or "MULTI_TAG". */
  topicFilterType: string;
  topicSysFlag: number;
  order: boolean;
  attributes?: Record<string, string>;
}

/** Version of a broker's topic table; a name server re-reads the table when it changes. */
export interface DataVersion {
  stateVersion?: number;
  timestamp: number;
  counter: number;
}

/** REGISTER_BROKER's body in its JSON form (the header's `compressed` is false). */
export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: {
    /** Topic name -> config. */
    topicConfigTable: Record<string, TopicConfig>;
    dataVersion: DataVersion;
    /** 5.x adds static-topic mapping tables; passed through as received. */
    [field: string]: unknown;
  };
  filterServerList: string[];
}

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

export function encodeRegisterBrokerBody(body: RegisterBrokerBody): Uint8Array {
  return encodeFastjson(body);
}
