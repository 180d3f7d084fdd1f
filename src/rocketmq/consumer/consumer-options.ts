import { defaultLogger, type Logger } from "../../core/observability/logger.ts";
import { integer, logger, resolveOptions, string, type Check } from "../../core/options.ts";
import type { Transport } from "../../core/transport.ts";
import type { SerializeType } from "../../protocol/serialize-type.ts";
import { addressList, optionalString, transportOrUndefined } from "../client/client-option-checks.ts";
import { checkConsumerGroup, checkTopic } from "../message/validators.ts";
import { buildSubscriptionData } from "../subscription.ts";

/** Where a group that never committed an offset on a queue starts reading it. */
export type ConsumeFrom =
  | "first"
  | "last"
  | {
      /** Start at the message stored nearest this time (ms since the epoch, or a Date). */
      timestamp: number | Date;
    };

/** Everything a Consumer can be told; `nameServers`, `group` and `topic` are required, the rest default to CONSUMER_DEFAULTS. */
export interface ConsumerOptions {
  /** Name server addresses, "host:port". */
  nameServers: readonly string[];
  /** The consumer group: its clients share the topic's queues (clustering). */
  group: string;
  /** The topic to consume. */
  topic: string;
  /** Tag expression: "*" (everything) or "TagA || TagB". */
  expression: string;
  /**
   * Where the group starts on a queue it has no committed offset for (Java's consumeFromWhere):
   * "last" (Java's default CONSUME_FROM_LAST_OFFSET), "first", or { timestamp } (the message stored
   * nearest that time). A 4.9.8 broker answers 0 for a queue that never lost a message, so a new
   * group reads such a queue from its start even with "last", as Java's consumers do.
   */
  fromWhere: ConsumeFrom;
  /** Messages asked per pull (Java's pullBatchSize). */
  pullBatchSize: number;
  /** How long the broker may hold a pull that finds nothing (long polling; Java: 15 s). */
  suspendTimeoutMs: number;
  /** Budget of a pull call, the hold included (Java: 30 s). */
  pullTimeoutMs: number;
  /** Wait before pulling a queue again after a failed pull (Java: 3 s). */
  pullDelayOnErrorMs: number;
  /** Messages pulled from one queue and not yet done before its pulls pause (Java's pullThresholdForQueue). */
  maxBufferedPerQueue: number;
  /** How often committed offsets are sent to the brokers (Java's persistConsumerOffsetInterval). */
  persistIntervalMs: number;
  /** How often queues are shared out again (Java: 20 s; also at once when the broker says the group changed). */
  rebalanceIntervalMs: number;
  /** How often brokers get a heartbeat (Java's heartbeatBrokerInterval). */
  heartbeatIntervalMs: number;
  /** How often the routes are asked again (Java's pollNameServerInterval). */
  pollNameServerIntervalMs: number;
  /** Budget of each call besides pulls (Java's mqClientApiTimeout). */
  clientApiTimeoutMs: number;
  /** Times a message comes back for a retry before it goes to the group's dead-letter queue (Java: 16). */
  maxReconsumeTimes: number;
  /** Header encoding of the requests; "ROCKETMQ" (binary) by default, as the Producer. */
  serializeType: SerializeType;
  /** Java's instanceName; default "pid#nanoTime", so that two consumers of one process are two clients. */
  instanceName: string | undefined;
  /** The address this client names itself by; default: the host's, chosen as Java does. */
  clientIp: string | undefined;
  /** The sockets; default: the running runtime's. */
  transport: Transport | undefined;
  /** Aborting it closes the consumer. */
  signal: AbortSignal | undefined;
  /** Where failures of the background work (pulls, rebalances, commits) are reported. */
  logger: Logger;
}

/** What `new Consumer(options)` takes. */
export type ConsumerInit = Pick<ConsumerOptions, "nameServers" | "group" | "topic"> & Partial<ConsumerOptions>;

/** Java 4.9.8's DefaultMQPushConsumer defaults, but for serializeType. */
export const CONSUMER_DEFAULTS: Readonly<Omit<ConsumerOptions, "nameServers" | "group" | "topic">> = Object.freeze({
  expression: "*",
  fromWhere: "last",
  pullBatchSize: 32,
  suspendTimeoutMs: 15_000,
  pullTimeoutMs: 30_000,
  pullDelayOnErrorMs: 3_000,
  maxBufferedPerQueue: 1_000,
  persistIntervalMs: 5_000,
  rebalanceIntervalMs: 20_000,
  heartbeatIntervalMs: 30_000,
  pollNameServerIntervalMs: 30_000,
  clientApiTimeoutMs: 3_000,
  maxReconsumeTimes: 16,
  serializeType: "ROCKETMQ",
  instanceName: undefined,
  clientIp: undefined,
  transport: undefined,
  signal: undefined,
  logger: defaultLogger,
});

const consumeFrom: Check = (v) => {
  if (v === "first" || v === "last") return null;
  if (typeof v === "object" && v !== null) {
    const t = (v as { timestamp?: unknown }).timestamp;
    if ((typeof t === "number" && Number.isFinite(t)) || (t instanceof Date && !Number.isNaN(t.getTime()))) return null;
  }
  return '"first", "last" or { timestamp: ms or Date }';
};

const checks: Record<keyof ConsumerOptions, Check> = {
  nameServers: addressList,
  group: string,
  topic: string,
  expression: string,
  fromWhere: consumeFrom,
  pullBatchSize: integer(1, 1024),
  suspendTimeoutMs: integer(1),
  pullTimeoutMs: integer(1),
  pullDelayOnErrorMs: integer(0),
  maxBufferedPerQueue: integer(1),
  persistIntervalMs: integer(10),
  rebalanceIntervalMs: integer(10),
  heartbeatIntervalMs: integer(10),
  pollNameServerIntervalMs: integer(10),
  clientApiTimeoutMs: integer(1),
  maxReconsumeTimes: integer(0, 0x7fffffff),
  serializeType: (v) => (v === "JSON" || v === "ROCKETMQ" ? null : '"JSON" or "ROCKETMQ"'),
  instanceName: optionalString,
  clientIp: optionalString,
  transport: transportOrUndefined,
  signal: (v) => (v === undefined || (typeof v === "object" && v !== null && typeof (v as AbortSignal).aborted === "boolean") ? null : "an AbortSignal"),
  logger,
};

/**
 * The options with defaults, each checked: a TypeError naming a bad or unknown one, an
 * MQClientError for a group, topic or expression Java refuses.
 */
export function resolveConsumerOptions(init: ConsumerInit): ConsumerOptions {
  if (typeof init !== "object" || init === null) throw new TypeError("Consumer: options must be an object with nameServers, group and topic");
  for (const name of ["nameServers", "group", "topic"] as const) if (init[name] === undefined) throw new TypeError(`Consumer: option "${name}" is required`);
  const options = resolveOptions<ConsumerOptions>("Consumer", { ...CONSUMER_DEFAULTS, nameServers: [], group: "", topic: "" }, checks, init);
  checkConsumerGroup(options.group);
  checkTopic(options.topic);
  buildSubscriptionData(options.topic, options.expression); // refuses an expression of separators only
  if (options.pullTimeoutMs <= options.suspendTimeoutMs) {
    throw new TypeError(`Consumer: option "pullTimeoutMs" (${options.pullTimeoutMs}) must exceed "suspendTimeoutMs" (${options.suspendTimeoutMs}), or every held pull times out`);
  }
  return options;
}
