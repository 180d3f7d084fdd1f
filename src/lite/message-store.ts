/**
 * The messages of an in-memory broker: one log per queue, each message stored as the record a pull
 * serves (Java's MessageExt layout), with its queue offset, a commit-log-like physical offset (the
 * record bytes stored before it, as Java counts), its store time and its tag hash (what a pull's
 * subscription is filtered on). Retention is bounded by count and bytes over the whole store: the
 * oldest messages go first, and a queue's minimum offset rises past them.
 *
 * A store keeps up to a million messages by default, so it keeps no object per message: records are
 * written into shared byte chunks and their fields into typed-array columns, which the garbage
 * collector does not have to walk (one object per message made every full collection mark them all,
 * which cost a busy broker about a third of its time). A StoredMessage is made when one is read.
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
  /** The record as a pull returns it (a view of the store's bytes, never changed). */
  readonly record: Uint8Array;
}

/** Writes a record at `out[at]` (room made) and returns its size: what MessageStore.append stores. */
export type RecordWrite = (out: Uint8Array, at: number, queueOffset: number, commitLogOffset: number) => number;

/** What append tells of the message it stored (its record is read back by offset when wanted). */
export type AppendedMessage = Omit<StoredMessage, "record">;

/** Bounds of a MessageStore. */
export interface MessageStoreLimits {
  /** Messages kept over all queues; the oldest beyond it are dropped. */
  maxMessages: number;
  /** Record bytes kept over all queues; the oldest beyond it are dropped. */
  maxBytes: number;
}

/** Records are copied into chunks of this size; a larger record gets a buffer of its own. */
const CHUNK_BYTES = 1 << 20;
const LARGE_RECORD = CHUNK_BYTES / 4;
/** Dropped entries are compacted away once they are this many and the larger half. */
const COMPACT_AFTER = 1024;

/** `a` in an array twice as long, its first `used` entries kept (the columns grow as the store fills). */
function grown<T extends Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(a: T, used: number): T {
  const b = new (a.constructor as new (length: number) => T)(a.length * 2);
  b.set(a.subarray(0, used));
  return b;
}

/** A queue's log: the store sequence numbers of its kept messages, oldest first, at `seqs[head, length)`. */
class QueueLog {
  seqs = new Float64Array(16);
  head = 0;
  length = 0;
  /** The offset the next message gets (Java's max offset); offsets are consecutive, so the oldest kept is nextOffset - kept. */
  nextOffset = 0;

  constructor(
    readonly id: number,
    readonly topic: string,
    readonly queueId: number,
  ) {}

  get minOffset(): number {
    return this.nextOffset - (this.length - this.head);
  }

  /** The sequence number of the kept message at `offset` (minOffset <= offset < nextOffset). */
  seqAt(offset: number): number {
    return this.seqs[this.head + offset - this.minOffset]!;
  }

  push(seq: number): void {
    if (this.length === this.seqs.length) this.seqs = grown(this.seqs, this.length);
    this.seqs[this.length++] = seq;
    this.nextOffset++;
  }

  dropOldest(): void {
    this.head++;
    if (this.head > COMPACT_AFTER && this.head * 2 > this.length) {
      this.seqs.copyWithin(0, this.head, this.length);
      this.length -= this.head;
      this.head = 0;
    }
  }
}

/**
 * The fields of every kept message, by store sequence number (store order, which is commit-log
 * order): message `seq` is at index `seq - base`; `first` is the oldest kept, `next` the one to come.
 */
class Columns {
  base = 0;
  first = 0;
  next = 0;
  commitLogOffset = new Float64Array(1024);
  storeTimestamp = new Float64Array(1024);
  queueOffset = new Float64Array(1024);
  tagsCode = new Int32Array(1024);
  queue = new Int32Array(1024);
  chunk = new Int32Array(1024);
  position = new Int32Array(1024);
  size = new Int32Array(1024);

  /** The index the next message's fields go to, room made. */
  nextIndex(): number {
    const used = this.next - this.base;
    if (used === this.size.length) {
      this.commitLogOffset = grown(this.commitLogOffset, used);
      this.storeTimestamp = grown(this.storeTimestamp, used);
      this.queueOffset = grown(this.queueOffset, used);
      this.tagsCode = grown(this.tagsCode, used);
      this.queue = grown(this.queue, used);
      this.chunk = grown(this.chunk, used);
      this.position = grown(this.position, used);
      this.size = grown(this.size, used);
    }
    return used;
  }

  /** Moves the kept entries to the front once the dropped ones are many. */
  compact(): void {
    const dropped = this.first - this.base;
    if (dropped <= COMPACT_AFTER || dropped * 2 <= this.next - this.base) return;
    const end = this.next - this.base;
    for (const column of [this.commitLogOffset, this.storeTimestamp, this.queueOffset, this.tagsCode, this.queue, this.chunk, this.position, this.size]) {
      column.copyWithin(0, dropped, end);
    }
    this.base = this.first;
  }
}

export class MessageStore {
  readonly #limits: MessageStoreLimits;
  /** Each topic's queue logs, by queue id. */
  readonly #queues = new Map<string, QueueLog[]>();
  /** Every queue log, by id (what the queue column holds). */
  readonly #logs: QueueLog[] = [];
  readonly #columns = new Columns();
  /** Record chunks by id from #chunkBase on, with how many kept records each holds; a released one is undefined. */
  readonly #chunks: (Uint8Array | undefined)[] = [];
  readonly #chunkLive: number[] = [];
  /** 1 for a chunk a record view was made of (read): it may still be in use, so it is never reused. */
  readonly #chunkLent: number[] = [];
  #chunkBase = 0;
  /**
   * A let-go chunk no view was ever made of, for the next tail: a fresh 1 MiB is zeroed, faulted in
   * and adds to the collector's load; reusing one cut the broker's CPU per send by 12-20 % (measured,
   * 64 in flight). A chunk that was read may still be in use by its reader, so it is never reused.
   */
  #spare: Uint8Array | null = null;
  /** The chunk small records are appended to, and how much of it is used. */
  #tail = -1;
  #tailUsed = CHUNK_BYTES;
  #bytes = 0;
  #commitLogOffset = 0;

  constructor(limits: MessageStoreLimits) {
    this.#limits = limits;
  }

  /** Messages kept. */
  get messageCount(): number {
    return this.#columns.next - this.#columns.first;
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
   * Appends one message to `topic`'s queue `queueId`. `write` writes its record, once its offsets
   * are known (a record carries them), straight into the store's memory at `out[at]`, where
   * `maxSize` bytes are free, and returns the record's size; if it throws, nothing is stored. Older
   * messages are dropped if the limits are passed.
   */
  append(topic: string, queueId: number, storeTimestamp: number, tagsCode: number, maxSize: number, write: RecordWrite): AppendedMessage {
    const log = this.#log(topic, queueId, true)!;
    const queueOffset = log.nextOffset;
    const commitLogOffset = this.#commitLogOffset;
    const large = maxSize > LARGE_RECORD;
    const out = large ? new Uint8Array(maxSize) : this.#tailWithRoom(maxSize);
    const position = large ? 0 : this.#tailUsed;
    const size = write(out, position, queueOffset, commitLogOffset);
    if (!(size >= 0 && size <= maxSize)) throw new RangeError(`a record writer reported ${size} bytes written into ${maxSize} bytes of room`);
    let chunk: number;
    if (large) chunk = this.#addChunk(out, 1);
    else {
      chunk = this.#tail;
      this.#tailUsed += size;
      this.#chunkLive[chunk - this.#chunkBase]!++;
    }
    const c = this.#columns;
    const i = c.nextIndex();
    c.commitLogOffset[i] = commitLogOffset;
    c.storeTimestamp[i] = storeTimestamp;
    c.queueOffset[i] = queueOffset;
    c.tagsCode[i] = tagsCode;
    c.queue[i] = log.id;
    c.chunk[i] = chunk;
    c.position[i] = position;
    c.size[i] = size;
    log.push(c.next++);
    this.#commitLogOffset += size;
    this.#bytes += size;
    this.#enforceLimits();
    return { topic, queueId, queueOffset, commitLogOffset, storeTimestamp, tagsCode };
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
    const c = this.#columns;
    let at = Math.max(offset, log.minOffset);
    const end = Math.min(log.nextOffset, at + limits.maxScan);
    let bytes = 0;
    for (; at < end; at++) {
      const seq = log.seqAt(at);
      const size = c.size[seq - c.base]!;
      if (messages.length > 0 && (messages.length >= limits.maxCount || bytes + size > limits.maxBytes)) break;
      const message = this.#message(seq);
      if (!accept(message)) continue;
      messages.push(message);
      bytes += size;
    }
    return { messages, next: Math.min(at, log.nextOffset) };
  }

  /** Kept messages from the newest back, at most `limit` of them. */
  *newestFirst(limit: number): Generator<StoredMessage> {
    const c = this.#columns;
    const stop = Math.max(c.first, c.next - limit);
    for (let seq = c.next - 1; seq >= stop; seq--) yield this.#message(seq);
  }

  /** The kept message stored at `commitLogOffset`, if any (store order is commit-log order: a binary search). */
  byCommitLogOffset(commitLogOffset: number): StoredMessage | undefined {
    const c = this.#columns;
    let lo = c.first;
    let hi = c.next;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c.commitLogOffset[mid - c.base]! < commitLogOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo < c.next && c.commitLogOffset[lo - c.base] === commitLogOffset ? this.#message(lo) : undefined;
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
    const first = log.minOffset;
    const end = log.nextOffset;
    if (first === end) return end;
    const c = this.#columns;
    const timeAt = (offset: number): number => c.storeTimestamp[log.seqAt(offset) - c.base]!;
    let lo = first;
    let hi = end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (timeAt(mid) < timestamp) lo = mid + 1;
      else hi = mid;
    }
    if (lo === end) return end - 1;
    if (lo === first || timeAt(lo) === timestamp) return lo;
    return timestamp - timeAt(lo - 1) <= timeAt(lo) - timestamp ? lo - 1 : lo;
  }

  /** Message `seq` (kept) as a StoredMessage. */
  #message(seq: number): StoredMessage {
    const c = this.#columns;
    const i = seq - c.base;
    const log = this.#logs[c.queue[i]!]!;
    const position = c.position[i]!;
    const chunk = c.chunk[i]! - this.#chunkBase;
    this.#chunkLent[chunk] = 1;
    const record = this.#chunks[chunk]!.subarray(position, position + c.size[i]!);
    return { topic: log.topic, queueId: log.queueId, queueOffset: c.queueOffset[i]!, commitLogOffset: c.commitLogOffset[i]!, storeTimestamp: c.storeTimestamp[i]!, tagsCode: c.tagsCode[i]!, record };
  }

  /** The tail chunk, with room for `size` more bytes at #tailUsed (a new one when it is full). */
  #tailWithRoom(size: number): Uint8Array {
    if (this.#tailUsed + size > CHUNK_BYTES) {
      const previous = this.#tail;
      this.#tail = this.#addChunk(this.#spare ?? new Uint8Array(CHUNK_BYTES), 0);
      this.#spare = null;
      this.#tailUsed = 0;
      if (previous >= 0 && this.#chunkLive[previous - this.#chunkBase] === 0) this.#free(previous);
    }
    return this.#chunks[this.#tail - this.#chunkBase]!;
  }

  /** A new chunk's id. */
  #addChunk(bytes: Uint8Array, live: number): number {
    this.#chunks.push(bytes);
    this.#chunkLive.push(live);
    this.#chunkLent.push(0);
    return this.#chunkBase + this.#chunks.length - 1;
  }

  #log(topic: string, queueId: number, create: boolean): QueueLog | undefined {
    let logs = this.#queues.get(topic);
    if (logs === undefined) {
      if (!create) return undefined;
      this.#queues.set(topic, (logs = []));
    }
    let log = logs[queueId];
    if (log === undefined && create) {
      logs[queueId] = log = new QueueLog(this.#logs.length, topic, queueId);
      this.#logs.push(log);
    }
    return log;
  }

  #enforceLimits(): void {
    const { maxMessages, maxBytes } = this.#limits;
    const c = this.#columns;
    while (this.messageCount > maxMessages || (this.#bytes > maxBytes && this.messageCount > 1)) {
      const i = c.first - c.base;
      this.#logs[c.queue[i]!]!.dropOldest();
      this.#bytes -= c.size[i]!;
      this.#release(c.chunk[i]!);
      c.first++;
    }
    c.compact();
  }

  /** One of a chunk's records was dropped; a chunk left with none (and not being filled) is let go. */
  #release(chunk: number): void {
    if (--this.#chunkLive[chunk - this.#chunkBase]! === 0 && chunk !== this.#tail) this.#free(chunk);
  }

  #free(chunk: number): void {
    const index = chunk - this.#chunkBase;
    const bytes = this.#chunks[index]!;
    if (this.#chunkLent[index] === 0 && bytes.length === CHUNK_BYTES) this.#spare = bytes;
    this.#chunks[index] = undefined;
    while (this.#chunks.length > 0 && this.#chunks[0] === undefined) {
      this.#chunks.shift();
      this.#chunkLive.shift();
      this.#chunkLent.shift();
      this.#chunkBase++;
    }
  }
}
