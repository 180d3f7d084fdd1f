import { PermName } from "../rocketmq/route-data.ts";
import type { DataVersion, TopicConfig } from "../rocketmq/register-broker-body.ts";

/**
 * An in-memory broker's topics (Java's TopicConfigManager): TBW102 at start when auto-creation is
 * on, topics created from it on first send, and a data version bumped on every change, since a
 * name server re-reads a broker's topics only when that version changes.
 */
export class TopicTable {
  readonly #topics = new Map<string, TopicConfig>();
  readonly #now: () => number;
  #dataVersion: DataVersion;

  constructor(options: { autoCreateTopicKey: string | null; autoCreateQueueNums: number; now: () => number }) {
    this.#now = options.now;
    this.#dataVersion = { timestamp: options.now(), counter: 0 };
    if (options.autoCreateTopicKey !== null) {
      this.#put(options.autoCreateTopicKey, options.autoCreateQueueNums, PermName.PERM_INHERIT | PermName.PERM_READ | PermName.PERM_WRITE);
    }
  }

  /** The topic's config, if it exists. */
  get(topic: string): TopicConfig | undefined {
    return this.#topics.get(topic);
  }

  /** Every topic's config, by name. */
  table(): Record<string, TopicConfig> {
    return Object.fromEntries(this.#topics);
  }

  /** The version of the table, for REGISTER_BROKER. */
  get dataVersion(): DataVersion {
    return { ...this.#dataVersion };
  }

  /** Creates `topic` with `queueNums` read and write queues (read and write permission), unless it exists; returns its config. */
  ensure(topic: string, queueNums: number, perm: number = PermName.PERM_READ | PermName.PERM_WRITE): TopicConfig {
    return this.#topics.get(topic) ?? this.#put(topic, queueNums, perm);
  }

  /**
   * Java's createTopicInSendMessageMethod: a topic unknown so far is created from `defaultTopic`
   * when that one may be inherited from, with min(requested, its write queues) queues and its
   * permissions less INHERIT. Undefined when it may not.
   */
  createFromDefault(topic: string, defaultTopic: string, requestedQueueNums: number): TopicConfig | undefined {
    const existing = this.#topics.get(topic);
    if (existing !== undefined) return existing;
    const base = this.#topics.get(defaultTopic);
    if (base === undefined || (base.perm & PermName.PERM_INHERIT) === 0) return undefined;
    const queueNums = Math.max(1, Math.min(requestedQueueNums, base.writeQueueNums));
    return this.#put(topic, queueNums, base.perm & ~PermName.PERM_INHERIT);
  }

  /** Sets a topic's config as given, created or replacing the one it had (Java's updateTopicConfig). */
  update(config: TopicConfig): void {
    this.#topics.set(config.topicName, { ...config });
    this.#changed();
  }

  #put(topic: string, queueNums: number, perm: number): TopicConfig {
    const config: TopicConfig = { topicName: topic, readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicFilterType: "SINGLE_TAG", topicSysFlag: 0, order: false };
    this.#topics.set(topic, config);
    this.#changed();
    return config;
  }

  #changed(): void {
    this.#dataVersion = { timestamp: this.#now(), counter: this.#dataVersion.counter + 1 };
  }
}
