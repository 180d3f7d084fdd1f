/**
 * The messages of an in-memory broker: one log per queue, each message stored as the record a pull
 * serves (Java's MessageExt layout), with its queue offset, a commit-log-like physical offset (the
 * record bytes stored before it, as Java counts), its store time and its tag hash (what a pull's
 * subscription is filtered on). Retention is bounded by count and bytes over the whole store: the
 * oldest messages go first, and a queue's minimum offset rises past them.
 */

/** One stored message. */
export interface StoredMessage {
  readonly topic: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly storeTimestamp: number;
  /** Java String.hashCode of the message's tag, 0 without one. */
  readonly tagsCode: number;
  /** The record as a pull returns it. */
  readonly record: Uint8Array;
}

/** Bounds of a MessageStore. */
export interface MessageStoreLimits {
  /** Messages kept over all queues; the oldest beyond it are dropped. */
  maxMessages: number;
  /** Record bytes kept over all queues; the oldest beyond it are dropped. */
  maxBytes: number;
}

/** A queue's log: `entries[head..]` are its messages still kept, in offset order. */
class QueueLog {
  entries: StoredMessage[] = [];
  head = 0;
  /** The offset the next message gets (Java's max offset). */
  nextOffset = 0;

  get minOffset(): number {
    return this.head < this.entries.length ? this.entries[this.head]!.queueOffset : this.nextOffset;
  }

  dropOldest(): void {
    this.head++;
    // Compact once the dropped part is the larger half, so a log never holds more than twice what it keeps.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

export class MessageStore {
  readonly #limits: MessageStoreLimits;
  readonly #queues = new Map<string, QueueLog>();
  /** Every kept message in store order (oldest first), for retention and commit-log lookups. */
  #order: StoredMessage[] = [];
  #orderHead = 0;
  #bytes = 0;
  #commitLogOffset = 0;

  constructor(limits: MessageStoreLimits) {
    this.#limits = limits;
  }

  /** Messages kept. */
  get messageCount(): number {
    return this.#order.length - this.#orderHead;
  }

  /** Record bytes kept. */
  get byteCount(): number {
    return this.#bytes;
  }

  /** The physical offset the next message gets. */
  get commitLogOffset(): number {
    return this.#commitLogOffset;
  }

  /**
   * Appends one message to `topic`'s queue `queueId`. `encode` makes its record once its offsets are
   * known (a record carries them). Older messages are dropped if the limits are passed.
   */
  append(topic: string, queueId: number, storeTimestamp: number, tagsCode: number, encode: (queueOffset: number, commitLogOffset: number) => Uint8Array): StoredMessage {
    const log = this.#log(topic, queueId, true)!;
    const queueOffset = log.nextOffset;
    const commitLogOffset = this.#commitLogOffset;
    const record = encode(queueOffset, commitLogOffset);
    const message: StoredMessage = { topic, queueId, queueOffset, commitLogOffset, storeTimestamp, tagsCode, record };
    log.entries.push(message);
    log.nextOffset++;
    this.#commitLogOffset += record.length;
    this.#order.push(message);
    this.#bytes += record.length;
    this.#enforceLimits();
    return message;
  }

  /** The offset the queue's next message will get (0 for a queue never written). */
  maxOffset(topic: string, queueId: number): number {
    return this.#log(topic, queueId, false)?.nextOffset ?? 0;
  }

  /** The offset of the queue's oldest kept message (maxOffset when it keeps none). */
  minOffset(topic: string, queueId: number): number {
    return this.#log(topic, queueId, false)?.minOffset ?? 0;
  }

  /** Up to `maxCount` kept messages of the queue from `offset` on that `accept` takes (all by default). */
  read(topic: string, queueId: number, offset: number, maxCount: number, accept: (message: StoredMessage) => boolean = () => true): StoredMessage[] {
    return this.scan(topic, queueId, offset, { maxCount, maxScan: Infinity, maxBytes: Infinity }, accept).messages;
  }

  /**
   * Java's getMessage scan: the queue's entries from `offset` (at least the queue's first kept one)
   * are looked at one by one, at most `maxScan` of them, until `maxCount` or `maxBytes` would be
   * passed (the first message always fits); those `accept` takes are collected. `next` is the offset after the
   * last entry looked at: where the next scan goes on.
   */
  scan(topic: string, queueId: number, offset: number, limits: { maxCount: number; maxScan: number; maxBytes: number }, accept: (message: StoredMessage) => boolean): { messages: StoredMessage[]; next: number } {
    const log = this.#log(topic, queueId, false);
    const messages: StoredMessage[] = [];
    if (log === undefined) return { messages, next: offset };
    const first = Math.max(offset, log.minOffset);
    let bytes = 0;
    let i = log.head + (first - log.minOffset);
    const end = Math.min(log.entries.length, i + limits.maxScan);
    for (; i < end; i++) {
      const message = log.entries[i]!;
      if (messages.length > 0 && (messages.length >= limits.maxCount || bytes + message.record.length > limits.maxBytes)) break;
      if (!accept(message)) continue;
      messages.push(message);
      bytes += message.record.length;
    }
    return { messages, next: i < log.entries.length ? log.entries[i]!.queueOffset : log.nextOffset };
  }

  /** Kept messages from the newest back, at most `limit` of them. */
  *newestFirst(limit: number): Generator<StoredMessage> {
    const stop = Math.max(this.#orderHead, this.#order.length - limit);
    for (let i = this.#order.length - 1; i >= stop; i--) yield this.#order[i]!;
  }

  /** The kept message stored at `commitLogOffset`, if any (store order is commit-log order: a binary search, no index to keep per message). */
  byCommitLogOffset(commitLogOffset: number): StoredMessage | undefined {
    const order = this.#order;
    let lo = this.#orderHead;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order[mid]!.commitLogOffset < commitLogOffset) lo = mid + 1;
      else hi = mid;
    }
    const found = order[lo];
    return found !== undefined && found.commitLogOffset === commitLogOffset ? found : undefined;
  }

  /**
   * SEARCH_OFFSET_BY_TIMESTAMP as a 4.9.8 broker answers it: the offset of the kept message stored
   * nearest `timestamp` (one stored at it wins, the earlier of two equally near), the first kept
   * message when all are later, the last when all are earlier; 0 for a queue never written, its
   * max offset when it keeps nothing.
   */
  offsetByTimestamp(topic: string, queueId: number, timestamp: number): number {
    const log = this.#log(topic, queueId, false);
    if (log === undefined) return 0;
    const { entries, head } = log;
    if (head === entries.length) return log.nextOffset;
    let lo = head;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid]!.storeTimestamp < timestamp) lo = mid + 1;
      else hi = mid;
    }
    if (lo === entries.length) return entries[lo - 1]!.queueOffset;
    const after = entries[lo]!;
    if (lo === head || after.storeTimestamp === timestamp) return after.queueOffset;
    const before = entries[lo - 1]!;
    return timestamp - before.storeTimestamp <= after.storeTimestamp - timestamp ? before.queueOffset : after.queueOffset;
  }

  #log(topic: string, queueId: number, create: boolean): QueueLog | undefined {
    const key = `${topic}\u0000${queueId}`;
    let log = this.#queues.get(key);
    if (log === undefined && create) this.#queues.set(key, (log = new QueueLog()));
    return log;
  }

  #enforceLimits(): void {
    const { maxMessages, maxBytes } = this.#limits;
    while (this.messageCount > maxMessages || (this.#bytes > maxBytes && this.messageCount > 1)) {
      const oldest = this.#order[this.#orderHead++]!;
      this.#log(oldest.topic, oldest.queueId, false)!.dropOldest();
      this.#bytes -= oldest.record.length;
    }
    if (this.#orderHead > 1024 && this.#orderHead * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#orderHead);
      this.#orderHead = 0;
    }
  }
}
