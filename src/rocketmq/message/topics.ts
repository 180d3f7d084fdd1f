/** Topics with a meaning of their own (Java's TopicValidator). */
export const TopicValidator = {
  /** The topic whose route a producer borrows for a topic that does not exist yet (createTopicKey). */
  AUTO_CREATE_TOPIC_KEY_TOPIC: "TBW102",
  RMQ_SYS_SCHEDULE_TOPIC: "SCHEDULE_TOPIC_XXXX",
  RMQ_SYS_BENCHMARK_TOPIC: "BenchmarkTest",
  RMQ_SYS_TRANS_HALF_TOPIC: "RMQ_SYS_TRANS_HALF_TOPIC",
  RMQ_SYS_TRACE_TOPIC: "RMQ_SYS_TRACE_TOPIC",
  RMQ_SYS_TRANS_OP_HALF_TOPIC: "RMQ_SYS_TRANS_OP_HALF_TOPIC",
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC: "TRANS_CHECK_MAX_TIME_TOPIC",
  RMQ_SYS_SELF_TEST_TOPIC: "SELF_TEST_TOPIC",
  RMQ_SYS_OFFSET_MOVED_EVENT: "OFFSET_MOVED_EVENT",
  SYSTEM_TOPIC_PREFIX: "rmq_sys_",
  TOPIC_MAX_LENGTH: 127,
} as const;

/** Group names and prefixes of Java's MixAll. */
export const MixAll = {
  RETRY_GROUP_TOPIC_PREFIX: "%RETRY%",
  DLQ_GROUP_TOPIC_PREFIX: "%DLQ%",
  /** Refused as a producer group. */
  DEFAULT_PRODUCER_GROUP: "DEFAULT_PRODUCER",
  /** Refused as a consumer group. */
  DEFAULT_CONSUMER_GROUP: "DEFAULT_CONSUMER",
  /** The producer group every Java client instance also reports in its heartbeats. */
  CLIENT_INNER_PRODUCER_GROUP: "CLIENT_INNER_PRODUCER",
  /** The region a send result has when the broker names none. */
  DEFAULT_TRACE_REGION_ID: "DefaultRegion",
} as const;

const T = TopicValidator;

/** Topics Java's clients may not send to (the broker answers NO_PERMISSION). */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  T.RMQ_SYS_SCHEDULE_TOPIC,
  T.RMQ_SYS_TRANS_HALF_TOPIC,
  T.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  T.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  T.RMQ_SYS_SELF_TEST_TOPIC,
  T.RMQ_SYS_OFFSET_MOVED_EVENT,
]);

const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  T.AUTO_CREATE_TOPIC_KEY_TOPIC,
  T.RMQ_SYS_SCHEDULE_TOPIC,
  T.RMQ_SYS_BENCHMARK_TOPIC,
  T.RMQ_SYS_TRANS_HALF_TOPIC,
  T.RMQ_SYS_TRACE_TOPIC,
  T.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  T.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  T.RMQ_SYS_SELF_TEST_TOPIC,
  T.RMQ_SYS_OFFSET_MOVED_EVENT,
]);

/** Whether `topic` is one of the broker's own (TopicValidator.isSystemTopic). */
export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith(T.SYSTEM_TOPIC_PREFIX);
}

/** The topic a consumer group's retried messages live in: "%RETRY%<group>". */
export function retryTopicOf(consumerGroup: string): string {
  return MixAll.RETRY_GROUP_TOPIC_PREFIX + consumerGroup;
}

/** The topic of a consumer group's dead letters: "%DLQ%<group>". */
export function dlqTopicOf(consumerGroup: string): string {
  return MixAll.DLQ_GROUP_TOPIC_PREFIX + consumerGroup;
}
