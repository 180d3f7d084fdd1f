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
    for (let q = 0; q < 4; q++) expect(brokers[0]!.committedOffset("cg", "Orders", q)).toBe(brokers[0]!.maxOffset("Orders", q));
  });
});
