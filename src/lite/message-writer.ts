import type { IpAndPort } from "../rocketmq/message/ip-address.ts";
import { decodeMessageExts, messageExtMaxSize, writeMessageExt, type MessageExtRecord } from "../rocketmq/message/message-ext-codec.ts";
import { MessageConst } from "../rocketmq/message/message-const.ts";
import type { MessageExt } from "../rocketmq/message/message.ts";
import { encodeProperties, type Properties } from "../rocketmq/message/properties.ts";
import { TopicValidator } from "../rocketmq/message/topics.ts";
import { tagsCodeOf } from "../rocketmq/subscription.ts";
import { storedBodyCrc32 } from "./body-checksum.ts";
import { DelayedDelivery } from "./delayed-delivery.ts";
import { StoredProperties } from "./stored-properties.ts";
import type { AppendedMessage, MessageStore } from "./message-store.ts";

/** One message to store, as it came (a send) or as it is re-written (a send-back, a delay that passed). */
export interface MessageInit {
  /** As stored: already compressed if sysFlag says so. */
  body: Uint8Array;
  flag: number;
  /** As an object, or as a plain single send's stored bytes (stored-properties.ts: no DELAY). */
  properties: Properties | StoredProperties;
  sysFlag: number;
  bornTimestamp: number;
  /** "ip:port" of the producer, or that address as readAddress reads it. */
  bornHost: string | Readonly<IpAndPort>;
  reconsumeTimes: number;
}

/**
 * Writes messages into a broker's store as Java's CommitLog.putMessage does: the store host, store
 * time and offsets filled in, and a message with a delay level (DELAY > 0) parked in
 * SCHEDULE_TOPIC_XXXX with REAL_TOPIC and REAL_QID until its delay passes, then written to its
 * queue. Held pulls on a queue hear of what lands in it.
 */
export class MessageWriter {
  readonly #store: MessageStore;
  readonly #storeHost: () => Readonly<IpAndPort>;
  readonly #now: () => number;
  readonly #onStored: (topic: string, queueId: number) => void;
  readonly #onError: (error: unknown) => void;
  readonly #delays: DelayedDelivery;

  constructor(options: {
    store: MessageStore;
    /** This broker's address, as records name it. */
    storeHost: () => Readonly<IpAndPort>;
    now: () => number;
    /** Delay of each level in ms (index 0: level 1). */
    delaysMs: readonly number[];
    onStored: (topic: string, queueId: number) => void;
    /** A delayed message that could not be written when due. */
    onError: (error: unknown) => void;
  }) {
    this.#store = options.store;
    this.#storeHost = options.storeHost;
    this.#now = options.now;
    this.#onStored = options.onStored;
    this.#onError = options.onError;
    this.#delays = new DelayedDelivery(options.delaysMs, (offset) => this.#deliver(offset), options.now);
  }

  /** Messages waiting for their delay level. */
  get delayed(): number {
    return this.#delays.pending;
  }

  /**
   * Stores `messages` in `topic`'s queue `queueId` at consecutive offsets (a batch has no delay), or
   * one delayed message in SCHEDULE_TOPIC_XXXX; returns what was stored, for the answer.
   */
  put(topic: string, queueId: number, messages: readonly MessageInit[]): AppendedMessage[] {
    const first = messages.length === 1 ? messages[0]!.properties : null;
    if (first === null || first instanceof StoredProperties) return this.#append(topic, queueId, messages);
    const level = Number(first[MessageConst.PROPERTY_DELAY_TIME_LEVEL] ?? 0);
    if (!(level > 0) || !Number.isInteger(level)) return this.#append(topic, queueId, messages);
    const clamped = Math.min(level, this.#delays.maxLevel);
    const message = messages[0]!;
    const properties = { ...first, [MessageConst.PROPERTY_DELAY_TIME_LEVEL]: String(clamped), [MessageConst.PROPERTY_REAL_TOPIC]: topic, [MessageConst.PROPERTY_REAL_QUEUE_ID]: String(queueId) };
    const stored = this.#append(TopicValidator.RMQ_SYS_SCHEDULE_TOPIC, clamped - 1, [{ ...message, properties }]);
    this.#delays.schedule(clamped, stored[0]!.commitLogOffset, stored[0]!.storeTimestamp);
    return stored;
  }

  /** The kept message stored at `commitLogOffset`, decoded with its body as stored (compressed or not). */
  lookUp(commitLogOffset: number): MessageExt | undefined {
    const stored = this.#store.byCommitLogOffset(commitLogOffset);
    return stored === undefined ? undefined : decodeMessageExts(stored.record, { keepCompressedBody: true })[0];
  }

  /** Stops the delay timer (what still waits stays parked). */
  close(): void {
    this.#delays.close();
  }

  #append(topic: string, queueId: number, messages: readonly MessageInit[]): AppendedMessage[] {
    const storeHost = this.#storeHost();
    const storeTimestamp = this.#now();
    const stored: AppendedMessage[] = [];
    for (const m of messages) {
      const properties = m.properties;
      const encoded = properties instanceof StoredProperties;
      const record: MessageExtRecord = {
        body: m.body,
        bodyCRC: storedBodyCrc32(m.body),
        flag: m.flag,
        properties: encoded ? properties.bytes : encodeProperties(properties),
        sysFlag: m.sysFlag,
        bornTimestamp: m.bornTimestamp,
        bornHost: m.bornHost,
        reconsumeTimes: m.reconsumeTimes,
        topic,
        queueId,
        queueOffset: 0,
        commitLogOffset: 0,
        storeTimestamp,
        storeHost,
      };
      const tags = encoded ? properties.tags : properties[MessageConst.PROPERTY_TAGS];
      stored.push(
        this.#store.append(topic, queueId, storeTimestamp, tagsCodeOf(tags), messageExtMaxSize(record), (out, at, queueOffset, commitLogOffset) => {
          record.queueOffset = queueOffset;
          record.commitLogOffset = commitLogOffset;
          return writeMessageExt(out, at, record);
        }),
      );
    }
    this.#onStored(topic, queueId);
    return stored;
  }

  /**
   * A delay passed: the parked message is written to REAL_TOPIC / REAL_QID with its properties as
   * they were (Java's re-written record still shows DELAY, REAL_TOPIC and REAL_QID). A message the
   * retention limits dropped meanwhile is gone, as it is from a Java broker's deleted commit log.
   */
  #deliver(commitLogOffset: number): void {
    try {
      const parked = this.lookUp(commitLogOffset);
      if (parked === undefined) return;
      const properties = parked.properties as Properties;
      const topic = properties[MessageConst.PROPERTY_REAL_TOPIC];
      const queueId = Number(properties[MessageConst.PROPERTY_REAL_QUEUE_ID]);
      if (topic === undefined || !Number.isInteger(queueId)) return;
      const { body, flag, sysFlag, bornTimestamp, bornHost, reconsumeTimes } = parked;
      this.#append(topic, queueId, [{ body, flag, properties, sysFlag, bornTimestamp, bornHost, reconsumeTimes }]);
    } catch (error) {
      this.#onError(error);
    }
  }
}
