import { describe, expect, test } from "bun:test";
import { MessageStore, type RecordWrite } from "../../src/lite/message-store.ts";

const record = (size: number, fill: number) => new Uint8Array(size).fill(fill);
/** append's room and writer for the record `make` gives: `maxSize` bytes of room, of which the record may use fewer. */
const written = (maxSize: number, make: (queueOffset: number, commitLogOffset: number) => Uint8Array): [number, RecordWrite] => [
  maxSize,
  (out, at, queueOffset, commitLogOffset) => {
    const bytes = make(queueOffset, commitLogOffset);
    expect(bytes.length).toBeLessThanOrEqual(maxSize);
    out.set(bytes, at);
    return bytes.length;
  },
];
/** A record of `size` bytes of `fill`, given `slack` more bytes of room than it needs. */
const filled = (size: number, fill: number, slack = 0): [number, RecordWrite] => written(size + slack, () => record(size, fill));

describe("MessageStore", () => {
  test("queue offsets count per queue, physical offsets count record bytes over the whole store", () => {
    const store = new MessageStore({ maxMessages: 100, maxBytes: 1 << 20 });
    const a0 = store.append("A", 0, 1, 0, ...filled(10, 1));
    const b0 = store.append("B", 0, 2, 0, ...filled(20, 2));
    const a1 = store.append("A", 0, 3, 0, ...written(64, (queueOffset, commitLogOffset) => record(5 + queueOffset + commitLogOffset, 3)));
    expect([a0.queueOffset, b0.queueOffset, a1.queueOffset]).toEqual([0, 0, 1]);
    expect([a0.commitLogOffset, b0.commitLogOffset, a1.commitLogOffset]).toEqual([0, 10, 30]);
    expect(store.byCommitLogOffset(30)!.record.length).toBe(5 + 1 + 30); // the encoder saw the offsets it was given
    expect(store.commitLogOffset).toBe(66);
    expect([store.minOffset("A", 0), store.maxOffset("A", 0), store.maxOffset("A", 1), store.maxOffset("nope", 0)]).toEqual([0, 2, 0, 0]);
    expect(store.byCommitLogOffset(10)).toEqual({ ...b0, record: record(20, 2) });
    expect(store.read("A", 0, 1, 10)).toEqual([{ ...a1, record: record(36, 3) }]);
  });

  test("retention by count drops the oldest messages first, across queues, and raises min offsets", () => {
    const store = new MessageStore({ maxMessages: 3, maxBytes: 1 << 20 });
    for (let i = 0; i < 5; i++) store.append(i % 2 === 0 ? "A" : "B", 0, i, 0, ...filled(4, i));
    expect(store.messageCount).toBe(3);
    expect(store.byteCount).toBe(12);
    // A got offsets 0,1,2 (messages 0,2,4); B 0,1 (messages 1,3). Messages 0 and 1 are gone.
    expect([store.minOffset("A", 0), store.maxOffset("A", 0), store.minOffset("B", 0), store.maxOffset("B", 0)]).toEqual([1, 3, 1, 2]);
    expect(store.read("A", 0, 0, 10).map((m) => m.queueOffset)).toEqual([1, 2]);
    expect(store.byCommitLogOffset(0)).toBeUndefined();
  });

  test("retention by bytes keeps at least the newest message", () => {
    const store = new MessageStore({ maxMessages: 1000, maxBytes: 100 });
    for (let i = 0; i < 10; i++) store.append("A", 1, i, 0, ...filled(30, i));
    expect(store.messageCount).toBe(3);
    expect(store.byteCount).toBe(90);
    store.append("A", 1, 10, 0, ...filled(500, 9));
    expect(store.messageCount).toBe(1);
    expect(store.minOffset("A", 1)).toBe(10);
  });

  test("a long-running store compacts what it dropped and still reads by offset", () => {
    const store = new MessageStore({ maxMessages: 50, maxBytes: 1 << 30 });
    for (let i = 0; i < 10_000; i++) store.append("A", i % 3, i, 0, ...filled(1, i & 255));
    expect(store.messageCount).toBe(50);
    const min = store.minOffset("A", 0);
    const got = store.read("A", 0, min + 2, 5);
    expect(got.map((m) => m.queueOffset)).toEqual([min + 2, min + 3, min + 4, min + 5, min + 6]);
    expect(store.read("A", 0, 0, 1)[0]!.queueOffset).toBe(min); // below the minimum: from the oldest kept
  });

  test("byCommitLogOffset finds every kept record by its first byte's offset, and nothing else, across compactions", () => {
    const store = new MessageStore({ maxMessages: 40, maxBytes: 1 << 30 });
    const kept: ReturnType<MessageStore["append"]>[] = [];
    for (let i = 0; i < 3_000; i++) {
      kept.push(store.append("A", i % 2, i, 0, ...filled(1 + (i % 7), 0)));
      if (kept.length > 40) kept.shift();
      if (i % 997 === 0 || i > 2_990) {
        for (const message of kept) expect(store.byCommitLogOffset(message.commitLogOffset)).toEqual({ ...message, record: record(1 + (message.storeTimestamp % 7), 0) });
        const oldest = kept[0]!;
        expect(store.byCommitLogOffset(oldest.commitLogOffset - 1)).toBeUndefined(); // a dropped record, or before the first
        for (const message of kept) if (message.storeTimestamp % 7 > 0) expect(store.byCommitLogOffset(message.commitLogOffset + 1)).toBeUndefined(); // inside a record
        expect(store.byCommitLogOffset(store.commitLogOffset)).toBeUndefined(); // the next record's offset
      }
    }
  });

  test("read filters (tag hashes); offsetByTimestamp finds the message stored nearest a time, as 4.9.8 does", () => {
    const store = new MessageStore({ maxMessages: 100, maxBytes: 1 << 20 });
    [100, 200, 200, 300].forEach((t, i) => store.append("T", 0, t, i % 2, ...filled(8, i)));
    expect(store.read("T", 0, 0, 10, (m) => m.tagsCode === 1).map((m) => m.queueOffset)).toEqual([1, 3]);
    // exact wins (the first of equals), the earlier of two equally near, first/last beyond the ends
    expect([50, 100, 140, 150, 160, 200, 250, 260, 300, 301].map((t) => store.offsetByTimestamp("T", 0, t))).toEqual([0, 0, 0, 0, 1, 1, 2, 3, 3, 3]);
    expect(store.offsetByTimestamp("none", 0, 5)).toBe(0);
  });

  test("newestFirst walks the kept messages back from the newest, at most `limit` of them", () => {
    const store = new MessageStore({ maxMessages: 5, maxBytes: 1 << 20 });
    for (let i = 0; i < 8; i++) store.append(i % 2 === 0 ? "A" : "B", 0, i, 0, ...filled(4, i));
    expect([...store.newestFirst(100)].map((m) => m.storeTimestamp)).toEqual([7, 6, 5, 4, 3]); // 0 to 2 dropped
    expect([...store.newestFirst(2)].map((m) => m.storeTimestamp)).toEqual([7, 6]);
    expect([...store.newestFirst(0)]).toEqual([]);
  });

  test("records of every size, shared chunks and large ones of their own, read back intact while older ones are dropped", () => {
    // Sizes from 1 byte to 600 KiB, some written into more room than they take, (past a chunk's quarter, up to more than half a chunk), each record
    // filled with its own index: a record read from a released or overwritten chunk would show it.
    const store = new MessageStore({ maxMessages: 400, maxBytes: 8 << 20 });
    let seed = 7;
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const model: { commitLogOffset: number; size: number; fill: number; queueId: number; queueOffset: number }[] = [];
    const check = (everyByte: boolean) => {
      for (const m of model) {
        const got = store.byCommitLogOffset(m.commitLogOffset)!;
        expect(got.record.length).toBe(m.size);
        expect(everyByte ? got.record.every((b) => b === m.fill) : got.record[0] === m.fill && got.record[m.size - 1] === m.fill).toBe(true);
        expect([got.queueId, got.queueOffset]).toEqual([m.queueId, m.queueOffset]);
      }
    };
    for (let i = 0; i < 3_000; i++) {
      const size = random(10) === 0 ? 1 + random(600 << 10) : 1 + random(4096);
      const fill = i & 255;
      const queueId = random(3);
      // Room beyond the record's size, as string properties get, at times across the large-record line.
      const slack = random(4) === 0 ? random(300 << 10) : 0;
      const stored = store.append("T", queueId, i, 0, ...filled(size, fill, slack));
      model.push({ commitLogOffset: stored.commitLogOffset, size, fill, queueId, queueOffset: stored.queueOffset });
      while (model.length > store.messageCount) model.shift();
      if (i % 10 === 0) check(false);
    }
    expect(store.byteCount).toBe(model.reduce((sum, m) => sum + m.size, 0));
    expect(store.byteCount).toBeLessThanOrEqual(8 << 20);
    check(true);
    for (let q = 0; q < 3; q++) {
      const kept = model.filter((m) => m.queueId === q);
      expect(store.read("T", q, 0, 10_000).map((m) => m.record[0])).toEqual(kept.map((m) => m.fill));
    }
  });

  test("a chunk let go is reused for new records unless a record of it was read: views handed out never change", () => {
    // 4 KiB records, 2 MiB kept: chunks are let go and (unread) reused all along. Every 50th record
    // is read as it is stored and its view kept: the chunk it is in must never be written again.
    const store = new MessageStore({ maxMessages: 1_000_000, maxBytes: 2 << 20 });
    const views: { view: Uint8Array; fill: number }[] = [];
    const fillOf = (i: number) => (i * 7 + (i >> 8) + 1) & 255; // not the same for the record at the same place of the next chunk
    let lastOffset = 0;
    for (let i = 0; i < 20_000; i++) {
      const stored = store.append("T", i % 4, i, 0, ...filled(4096, fillOf(i)));
      lastOffset = stored.commitLogOffset;
      if (i % 50 === 0) views.push({ view: store.byCommitLogOffset(stored.commitLogOffset)!.record, fill: fillOf(i) });
      if (i % 997 === 0) {
        // Records written into reused chunks read back as written.
        for (const m of store.read("T", i % 4, store.minOffset("T", i % 4), 10_000)) expect(m.record.every((b) => b === m.record[0])).toBe(true);
      }
    }
    expect(store.byCommitLogOffset(lastOffset)!.record.every((b) => b === fillOf(19_999))).toBe(true);
    for (const { view, fill } of views) expect(view.every((b) => b === fill)).toBe(true);
  });

  test("a write that throws stores nothing: offsets, counts and the records around it are as if it was never tried", () => {
    const store = new MessageStore({ maxMessages: 10, maxBytes: 1 << 20 });
    const first = store.append("A", 0, 1, 0, ...filled(40, 1));
    for (const maxSize of [100, 1 << 20]) {
      expect(() =>
        store.append("A", 0, 2, 0, maxSize, (out, at) => {
          out.fill(9, at, at + 50); // written, then refused
          throw new RangeError("refused");
        }),
      ).toThrow(RangeError);
    }
    expect(() => store.append("A", 0, 2, 0, 10, () => 11)).toThrow(RangeError); // more than its room: a writer's bug, refused
    expect([store.messageCount, store.byteCount, store.commitLogOffset, store.maxOffset("A", 0)]).toEqual([1, 40, 40, 1]);
    const second = store.append("A", 0, 3, 0, ...filled(30, 2));
    expect([second.queueOffset, second.commitLogOffset]).toEqual([1, 40]);
    expect(store.read("A", 0, 0, 10).map((m) => [...new Set(m.record)])).toEqual([[1], [2]]);
    expect(store.byCommitLogOffset(first.commitLogOffset)!.record.length).toBe(40);
  });

  test("a scan past the end of a queue goes on from its max offset", () => {
    const store = new MessageStore({ maxMessages: 10, maxBytes: 1 << 20 });
    for (let i = 0; i < 3; i++) store.append("A", 0, i, 0, ...filled(4, i));
    expect(store.scan("A", 0, 7, { maxCount: 5, maxScan: 10, maxBytes: 1000 }, () => true)).toEqual({ messages: [], next: 3 });
    expect(store.scan("A", 0, 1, { maxCount: 5, maxScan: 1, maxBytes: 1000 }, () => false)).toEqual({ messages: [], next: 2 });
  });
});
