import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../../src/index.ts";
import { Consumer, Producer, type ConsumerInit, type ConsumerMessage } from "../../../src/rocketmq/index.ts";
import { useHarness, waitFor } from "../../helpers/harness.ts";
import { startLiteCluster } from "../../helpers/lite-cluster.ts";

const h = useHarness();
const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

async function startConsumer(init: ConsumerInit): Promise<Consumer> {
  const consumer = new Consumer({ logger: silentLogger, suspendTimeoutMs: 1_000, pullTimeoutMs: 5_000, ...init });
  h.defer(() => consumer.close());
  await consumer.start();
  return consumer;
}

async function startProducer(nameServers: string[]): Promise<Producer> {
  const producer = new Producer({ nameServers, group: "pg", logger: silentLogger });
  h.defer(() => producer.shutdown());
  await producer.start();
  return producer;
}

/** Takes messages from `consumer` into `into` until it closes (each done as the next is asked). */
function pump(consumer: Consumer, into: ConsumerMessage[]): void {
  void (async () => {
    const it = consumer[Symbol.asyncIterator]();
    for (let r = await it.next(); r.done !== true; r = await it.next()) into.push(r.value);
  })();
}

/** Takes `n` messages from `consumer` in one loop (each done as the next is asked). */
async function take(consumer: Consumer, n: number): Promise<ConsumerMessage[]> {
  const got: ConsumerMessage[] = [];
  const it = consumer[Symbol.asyncIterator]();
  while (got.length < n) {
    const r = await it.next();
    if (r.done === true) break;
    got.push(r.value);
  }
  return got;
}

describe("Consumer against BrokerLite", () => {
  test("reads every message a producer sent, once, fields intact, and commits its offsets", async () => {
    const { nameServers, brokers } = await startLiteCluster(h);
    await brokers[0]!.createTopic("Orders", 4);
    const producer = await startProducer(nameServers);
    const consumer = await startConsumer({ nameServers, group: "cg", topic: "Orders" });
    expect(consumer.assignedQueues.filter((q) => q.topic === "Orders").length).toBe(4);
    const sent = [];
    for (let i = 0; i < 200; i++) sent.push(await producer.send({ topic: "Orders", body: `order-${i}`, tags: "t", keys: [`k${i}`], properties: { n: String(i) } }));
    const got = await take(consumer, 200);
    expect(new Set(got.map((m) => m.msgId))).toEqual(new Set(sent.map((r) => r.msgId)));
    const m = got.find((x) => x.properties.n === "7")!;
    expect([m.topic, m.tags, m.keys, utf8(m.body), m.reconsumeTimes]).toEqual(["Orders", "t", "k7", "order-7", 0]);
    await consumer.close();
    // every message but the one still in hand (taken, its loop body not finished) is committed
    const last = got[got.length - 1]!;
    for (let q = 0; q < 4; q++) expect(brokers[0]!.committedOffset("cg", "Orders", q)).toBe(q === last.queueId ? last.queueOffset : brokers[0]!.maxOffset("Orders", q));
  });

  test("a second client of the group takes half the queues; together they read every message once; when it leaves, the first takes all again", async () => {
    const { nameServers, brokers } = await startLiteCluster(h);
    await brokers[0]!.createTopic("Orders", 4);
    const producer = await startProducer(nameServers);
    const a = await startConsumer({ nameServers, group: "cg", topic: "Orders", instanceName: "a" });
    const b = await startConsumer({ nameServers, group: "cg", topic: "Orders", instanceName: "b" });
    const orders = (c: Consumer) => c.assignedQueues.filter((q) => q.topic === "Orders").map((q) => q.queueId).sort();
    await waitFor(() => orders(a).length === 2 && orders(b).length === 2, "the queues shared out");
    expect([...orders(a), ...orders(b)].sort()).toEqual([0, 1, 2, 3]);
    expect(orders(a)).toEqual([0, 1]); // Java's average allocation over the sorted client ids: "...@a" first
    expect(brokers[0]!.consumers("cg").sort()).toEqual([a.clientId, b.clientId].sort());

    const got = new Map<Consumer, ConsumerMessage[]>([[a, []], [b, []]]);
    pump(a, got.get(a)!);
    pump(b, got.get(b)!);
    const sent = [];
    for (let i = 0; i < 100; i++) sent.push((await producer.send({ topic: "Orders", body: `o${i}` })).msgId);
    await waitFor(() => got.get(a)!.length + got.get(b)!.length >= 100, "100 messages");
    const all = [...got.get(a)!, ...got.get(b)!];
    expect(all.length).toBe(100);
    expect(new Set(all.map((m) => m.msgId))).toEqual(new Set(sent));
    expect(got.get(a)!.every((m) => orders(a).includes(m.queueId))).toBe(true);
    expect(got.get(b)!.every((m) => orders(b).includes(m.queueId))).toBe(true);

    await b.close(); // commits, unregisters: the broker tells a, which takes the four queues
    await waitFor(() => orders(a).length === 4, "a rebalanced onto every queue");
    const more = [];
    for (let i = 0; i < 40; i++) more.push((await producer.send({ topic: "Orders", body: `p${i}` })).msgId);
    await waitFor(() => got.get(a)!.length + got.get(b)!.length >= 140, "40 more");
    const after = got.get(a)!.slice(-40);
    expect(new Set(after.map((m) => m.msgId))).toEqual(new Set(more)); // b's committed offsets: a starts where b stopped
    expect(got.get(a)!.length + got.get(b)!.length).toBe(140);
  });

  test("retryLater: the message comes back through the retry topic, its topic and id kept, reconsumeTimes raised; after maxReconsumeTimes it goes to the dead-letter topic", async () => {
    const { nameServers, brokers } = await startLiteCluster(h, [{ brokerName: "broker-a", delayScale: 0.001 }]);
    await brokers[0]!.createTopic("Orders", 1);
    const producer = await startProducer(nameServers);
    const consumer = await startConsumer({ nameServers, group: "cg", topic: "Orders", maxReconsumeTimes: 2 });
    const { msgId } = await producer.send({ topic: "Orders", body: "retry me", tags: "t" });
    const it = consumer[Symbol.asyncIterator]();
    const seen: ConsumerMessage[] = [];
    for (let i = 0; i < 3; i++) {
      const m = (await it.next()).value as ConsumerMessage;
      seen.push(m);
      await consumer.retryLater(m);
      await consumer.retryLater(m); // a second time does nothing
    }
    expect(seen.map((m) => [m.msgId, m.topic, m.tags, utf8(m.body), m.reconsumeTimes])).toEqual([
      [msgId, "Orders", "t", "retry me", 0],
      [msgId, "Orders", "t", "retry me", 1],
      [msgId, "Orders", "t", "retry me", 2],
    ]);
    expect(seen[1]!.queueId).toBe(0);
    await waitFor(() => brokers[0]!.maxOffset("%DLQ%cg", 0) === 1, "the dead letter");
    const [dead] = brokers[0]!.read("%DLQ%cg", 0);
    expect([dead!.msgId, dead!.reconsumeTimes, dead!.properties.RETRY_TOPIC]).toEqual([msgId, 3, "Orders"]);
    await expect(consumer.retryLater({ ...seen[0]! })).rejects.toThrow(TypeError); // not one it handed over
  });

  test("leaving the loop by a throw sends the message in hand back and closes the consumer; another client of the group gets it again", async () => {
    const { nameServers, brokers } = await startLiteCluster(h, [{ brokerName: "broker-a", delayScale: 0.001 }]);
    await brokers[0]!.createTopic("Orders", 2);
    const producer = await startProducer(nameServers);
    const first = await startConsumer({ nameServers, group: "cg", topic: "Orders", instanceName: "first" });
    await producer.send({ topic: "Orders", body: "fails once" });
    const failure = new Error("handler failed");
    let caught: unknown = null;
    try {
      for await (const m of first) {
        expect(utf8(m.body)).toBe("fails once");
        throw failure;
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(failure);
    await first.close(); // already closing: the same promise
    const second = await startConsumer({ nameServers, group: "cg", topic: "Orders", instanceName: "second" });
    const [again] = await take(second, 1);
    expect([utf8(again!.body), again!.reconsumeTimes]).toEqual(["fails once", 1]);
  });

  test("a tag expression: only those tags come, and the offsets still move past the others", async () => {
    const { nameServers, brokers } = await startLiteCluster(h);
    await brokers[0]!.createTopic("Orders", 1);
    const producer = await startProducer(nameServers);
    for (const tags of ["A", "B", "C", "A", "", "B"]) await producer.send({ topic: "Orders", body: tags || "none", ...(tags ? { tags } : {}) });
    const consumer = await startConsumer({ nameServers, group: "cg", topic: "Orders", expression: "A || C" });
    const it = consumer[Symbol.asyncIterator]();
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await it.next()).value as ConsumerMessage);
    expect(got.map((m) => [m.tags, m.queueOffset])).toEqual([["A", 0], ["C", 2], ["A", 3]]);
    const next = it.next(); // the A at 3 is done; nothing after it matches
    // the next pull that finds nothing moves the offset past B and the untagged message (Java's
    // correctTagsOffset), and the pull after it carries that offset to the broker
    await waitFor(() => brokers[0]!.committedOffset("cg", "Orders", 0) === 6, "the offset past the filtered messages");
    await producer.send({ topic: "Orders", body: "last", tags: "C" });
    expect(((await next).value as ConsumerMessage).queueOffset).toBe(6);
  });

  test("fromWhere: a queue that lost messages starts at its end with \"last\", at its first kept message with \"first\", near a time with { timestamp }", async () => {
    const { nameServers, brokers } = await startLiteCluster(h, [{ brokerName: "broker-a", maxMessages: 5 }]);
    await brokers[0]!.createTopic("Orders", 1);
    const producer = await startProducer(nameServers);
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      await producer.send({ topic: "Orders", body: `m${i}` });
      times.push(Date.now());
      await Bun.sleep(15);
    }
    expect(brokers[0]!.stats.messages).toBe(5); // offsets 3..7 kept
    const last = await startConsumer({ nameServers, group: "g-last", topic: "Orders" });
    await producer.send({ topic: "Orders", body: "after" });
    expect((await take(last, 1)).map((m) => utf8(m.body))).toEqual(["after"]);
    const first = await startConsumer({ nameServers, group: "g-first", topic: "Orders" ,fromWhere: "first" });
    expect((await take(first, 1))[0]!.queueOffset).toBe(4); // offset 0 is gone: the broker moves the pull to the first kept (after "after" pushed one more out)
    const byTime = await startConsumer({ nameServers, group: "g-time", topic: "Orders", fromWhere: { timestamp: new Date(times[6]! + 1) } });
    expect((await take(byTime, 1)).map((m) => utf8(m.body))).toEqual(["m6"]); // stored nearest that time
  });

  test("long polling: a message sent while the consumer waits comes at once, not after the broker's hold", async () => {
    const { nameServers, brokers } = await startLiteCluster(h);
    await brokers[0]!.createTopic("Orders", 1);
    const producer = await startProducer(nameServers);
    const consumer = await startConsumer({ nameServers, group: "cg", topic: "Orders", suspendTimeoutMs: 20_000, pullTimeoutMs: 30_000 });
    await waitFor(() => brokers[0]!.stats.heldPulls >= 1, "a held pull");
    const pending = take(consumer, 1);
    const t0 = performance.now();
    await producer.send({ topic: "Orders", body: "now" });
    expect(utf8((await pending)[0]!.body)).toBe("now");
    expect(performance.now() - t0).toBeLessThan(5_000); // the hold is 20 s
    const t1 = performance.now();
    await consumer.close(); // the held pulls are abandoned, not waited for
    expect(performance.now() - t1).toBeLessThan(5_000);
  });

  test("flow control: a queue's pulls pause while maxBufferedPerQueue messages are not done", async () => {
    const { nameServers, brokers } = await startLiteCluster(h);
    await brokers[0]!.createTopic("Orders", 1);
    const producer = await startProducer(nameServers);
    await producer.sendBatch(Array.from({ length: 50 }, (_, i) => ({ topic: "Orders", body: `m${i}` })));
    const consumer = await startConsumer({ nameServers, group: "cg", topic: "Orders", pullBatchSize: 4, maxBufferedPerQueue: 8 });
    await waitFor(() => consumer.buffered >= 8, "the first pulls");
    await Bun.sleep(300);
    expect(consumer.buffered).toBe(8); // two pulls of 4, then none
    const it = consumer[Symbol.asyncIterator]();
    const offsets: number[] = [];
    for (let i = 0; i < 50; i++) {
      offsets.push(((await it.next()).value as ConsumerMessage).queueOffset);
      expect(consumer.buffered).toBeLessThanOrEqual(8 + 4);
    }
    expect(offsets).toEqual(Array.from({ length: 50 }, (_, i) => i)); // in order, none lost while paused
  });

  test("options and life cycle: bad options are named, iterating before start() fails, close() is idempotent, start() after close() fails", async () => {
    const base = { nameServers: ["127.0.0.1:9876"], group: "cg", topic: "Orders" };
    expect(() => new Consumer({ ...base, nameServers: [] })).toThrow('option "nameServers"');
    expect(() => new Consumer({ ...base, fromWhere: "middle" as never })).toThrow('option "fromWhere"');
    expect(() => new Consumer({ ...base, pullBatchSize: 0 })).toThrow('option "pullBatchSize"');
    expect(() => new Consumer({ ...base, suspendTimeoutMs: 30_000 })).toThrow("pullTimeoutMs");
    expect(() => new Consumer({ ...base, bogus: 1 } as never)).toThrow('unknown option "bogus"');
    expect(() => new Consumer({ ...base, topic: "bad topic!" })).toThrow();
    expect(() => new Consumer({ ...base, expression: "||" })).toThrow();
    const c = new Consumer({ ...base, logger: silentLogger });
    await expect(c[Symbol.asyncIterator]().next()).rejects.toThrow("start()");
    await Promise.all([c.close(), c.close()]);
    await expect(c.start()).rejects.toThrow("after close()");
  });
});
