import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BrokerLite, NameServerLite } from "bun-remoting/lite";
import { MQClientError } from "bun-remoting";
import { Consumer, Producer, type ConsumerMessage } from "bun-remoting/rocketmq";

// The Producer and the lite servers of the built package on Node (node:net through runtimeTransport).

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe("Producer and lite on Node (dist)", () => {
  test("sends, a compressed body and a batch are stored and read back; a name server that cannot give routes fails the send with an MQClientError", { timeout: 30_000 }, async () => {
    await using namesrv = new NameServerLite({ host: "127.0.0.1", port: 0, logger: quiet });
    await namesrv.start();
    const nameServers = [`127.0.0.1:${namesrv.port}`];
    await using broker = new BrokerLite({ host: "127.0.0.1", port: 0, logger: quiet, nameServers });
    await broker.start();
    await using producer = new Producer({ nameServers, group: "node_pg", logger: quiet });
    await producer.start();
    const offsets = new Map<number, number[]>();
    for (let i = 0; i < 200; i++) {
      const r = await producer.send({ topic: "NodeTopic", body: `n${i}`, tags: "T", keys: `k${i}` });
      assert.equal(r.status, "SEND_OK");
      offsets.set(r.queue.queueId, [...(offsets.get(r.queue.queueId) ?? []), r.queueOffset]);
    }
    for (const [queueId, list] of offsets) {
      assert.deepEqual(list, list.map((_, i) => i));
      assert.equal(broker.read("NodeTopic", queueId, 0, 1000).length, list.length);
    }
    const body = Buffer.alloc(10_000, 9);
    const big = await producer.send({ topic: "NodeTopic", body });
    const [stored] = broker.read("NodeTopic", big.queue.queueId, big.queueOffset, 1);
    assert.equal(stored!.sysFlag & 1, 1);
    assert.deepEqual(Buffer.from(stored!.body), body);
    const batch = await producer.sendBatch([{ topic: "NodeTopic", body: "a" }, { topic: "NodeTopic", body: "b" }]);
    assert.equal(batch.msgId.split(",").length, 2);

    await using strict = new BrokerLite({ host: "127.0.0.1", port: 0, logger: quiet, brokerName: "broker-s", autoCreateTopicEnable: false });
    await strict.start();
    const lonely = new Producer({ nameServers: [`127.0.0.1:${strict.port}`], group: "node_pg2", logger: quiet, clientApiTimeoutMs: 1000 });
    await lonely.start();
    const error = await lonely.send({ topic: "X", body: "x" }).catch((e: unknown) => e);
    assert.ok(error instanceof MQClientError);
    await lonely.shutdown();
  });

  test("a Consumer reads what the Producer sent, and a retried message comes back", { timeout: 30_000 }, async () => {
    await using namesrv = new NameServerLite({ host: "127.0.0.1", port: 0, logger: quiet });
    await namesrv.start();
    const nameServers = [`127.0.0.1:${namesrv.port}`];
    await using broker = new BrokerLite({ host: "127.0.0.1", port: 0, logger: quiet, nameServers, delayScale: 0.001 });
    await broker.start();
    await broker.createTopic("NodeTopic", 2);
    await using producer = new Producer({ nameServers, group: "node_pg", logger: quiet });
    await producer.start();
    await using consumer = new Consumer({ nameServers, group: "node_cg", topic: "NodeTopic", logger: quiet, suspendTimeoutMs: 1000, pullTimeoutMs: 5000 });
    await consumer.start();
    const sent = new Set<string>();
    for (let i = 0; i < 50; i++) sent.add((await producer.send({ topic: "NodeTopic", body: `n${i}` })).msgId);
    const it = consumer[Symbol.asyncIterator]();
    const got: ConsumerMessage[] = [];
    while (got.length < 50) got.push((await it.next()).value as ConsumerMessage);
    assert.deepEqual(new Set(got.map((m) => m.msgId)), sent);
    const inHand = got[49]!;
    await consumer.retryLater(inHand);
    const again = (await it.next()).value as ConsumerMessage;
    assert.deepEqual([again.msgId, again.reconsumeTimes, again.topic], [inHand.msgId, 1, "NodeTopic"]);
  });
});
