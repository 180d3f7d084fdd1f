import { defaultLogger, type Logger } from "../../core/observability/logger.ts";
import { boolean, integer, logger, resolveOptions, string, type Check } from "../../core/options.ts";
import { addressList, optionalString, transportOrUndefined } from "../client/client-option-checks.ts";
import type { Transport } from "../../core/transport.ts";
import type { SerializeType } from "../../protocol/serialize-type.ts";
import { DEFAULT_COMPRESS_BODY_THRESHOLD, DEFAULT_COMPRESS_LEVEL } from "../message/compression.ts";
import { TopicValidator } from "../message/topics.ts";
import { checkProducerGroup, DEFAULT_MAX_MESSAGE_SIZE } from "../message/validators.ts";

/** Everything a Producer can be told; `nameServers` and `group` are required, the rest default to PRODUCER_DEFAULTS. */
export interface ProducerOptions {
  /** Name server addresses, "host:port" (Java's namesrvAddr split on ";"). */
  nameServers: readonly string[];
  /** The producer group (Java's producerGroup): brokers know the producer by it. */
  group: string;
  /** A send's whole budget, every attempt included (Java's sendMsgTimeout). */
  sendTimeoutMs: number;
  /** Further attempts of a send that failed, each on another broker when there is one (Java's retryTimesWhenSendFailed). */
  retryTimesWhenSendFailed: number;
  /** Try another broker when the broker stored the message but not as asked (FLUSH_DISK_TIMEOUT and the like). */
  retryAnotherBrokerWhenNotStoreOK: boolean;
  /** Bodies of at least this many bytes are sent zlib-compressed (Java's compressMsgBodyOverHowmuch). */
  compressBodyOverBytes: number;
  /** zlib level of compressed bodies, 0-9 (Java's rocketmq.message.compressLevel). */
  compressLevel: number;
  /** Largest body (before compression) or batch accepted (Java's maxMessageSize). */
  maxMessageSize: number;
  /** The topic whose route serves topics the name server does not know yet, for brokers to auto-create them (Java's createTopicKey). */
  createTopicKey: string;
  /** Queues of an auto-created topic (Java's defaultTopicQueueNums). */
  defaultTopicQueueNums: number;
  /** How often the routes of the topics sent to are asked again (Java's pollNameServerInterval). */
  pollNameServerIntervalMs: number;
  /** How often brokers get a heartbeat (Java's heartbeatBrokerInterval). */
  heartbeatBrokerIntervalMs: number;
  /** Budget of each name server call, heartbeat and unregistration (Java's mqClientApiTimeout). */
  clientApiTimeoutMs: number;
  /**
   * Header encoding of the requests. "ROCKETMQ" (binary) by default: every 4.x and 5.x broker reads
   * it and it is cheaper than Java's default, "JSON".
   */
  serializeType: SerializeType;
  /** Java's instanceName; default "pid#nanoTime", so that two producers of one process are two clients. */
  instanceName: string | undefined;
  /** The address this client names itself by and puts in message ids; default: the host's, chosen as Java does. */
  clientIp: string | undefined;
  /** The sockets; default: the running runtime's (Bun's under Bun, node:net under Node). */
  transport: Transport | undefined;
  /** Where failures of the background tasks (route refresh, heartbeats) are reported. */
  logger: Logger;
}

/** What `new Producer(options)` takes. */
export type ProducerInit = Pick<ProducerOptions, "nameServers" | "group"> & Partial<ProducerOptions>;

/** Java 4.9.8's DefaultMQProducer defaults, but for serializeType (see ProducerOptions). */
export const PRODUCER_DEFAULTS: Readonly<Omit<ProducerOptions, "nameServers" | "group">> = Object.freeze({
  sendTimeoutMs: 3_000,
  retryTimesWhenSendFailed: 2,
  retryAnotherBrokerWhenNotStoreOK: false,
  compressBodyOverBytes: DEFAULT_COMPRESS_BODY_THRESHOLD,
  compressLevel: DEFAULT_COMPRESS_LEVEL,
  maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
  createTopicKey: TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC,
  defaultTopicQueueNums: 4,
  pollNameServerIntervalMs: 30_000,
  heartbeatBrokerIntervalMs: 30_000,
  clientApiTimeoutMs: 3_000,
  serializeType: "ROCKETMQ",
  instanceName: undefined,
  clientIp: undefined,
  transport: undefined,
  logger: defaultLogger,
});

const checks: Record<keyof ProducerOptions, Check> = {
  nameServers: addressList,
  group: string,
  sendTimeoutMs: integer(1),
  retryTimesWhenSendFailed: integer(0, 100),
  retryAnotherBrokerWhenNotStoreOK: boolean,
  compressBodyOverBytes: integer(1),
  compressLevel: integer(0, 9),
  maxMessageSize: integer(1, 0x7fffffff),
  createTopicKey: string,
  defaultTopicQueueNums: integer(1, 1024),
  pollNameServerIntervalMs: integer(10),
  heartbeatBrokerIntervalMs: integer(10),
  clientApiTimeoutMs: integer(1),
  serializeType: (v) => (v === "JSON" || v === "ROCKETMQ" ? null : '"JSON" or "ROCKETMQ"'),
  instanceName: optionalString,
  clientIp: optionalString,
  transport: transportOrUndefined,
  logger,
};

/** The options with defaults, each checked: a TypeError naming a bad or unknown one, an MQClientError for a group Java refuses. */
export function resolveProducerOptions(init: ProducerInit): ProducerOptions {
  if (typeof init !== "object" || init === null) throw new TypeError("Producer: options must be an object with nameServers and group");
  for (const name of ["nameServers", "group"] as const) if (init[name] === undefined) throw new TypeError(`Producer: option "${name}" is required`);
  const options = resolveOptions<ProducerOptions>("Producer", { ...PRODUCER_DEFAULTS, nameServers: [], group: "" }, checks, init);
  checkProducerGroup(options.group);
  return options;
}
