import { describe, expect, test } from "bun:test";
import { MQBrokerError, MQClientError, RemotingAbortedError, RemotingLifecycleError, RequestCode, ResponseCode, silentLogger } from "../../../src/index.ts";
import { parseHeartbeatData, Producer, type ProducerInit } from "../../../src/rocketmq/index.ts";
import { useHarness, waitFor } from "../../helpers/harness.ts";
import { sendAnswer, startFakeBroker } from "../../helpers/fake-broker.ts";
import { startLiteCluster } from "../../helpers/lite-cluster.ts";
import { recordingLogger } from "../../helpers/probes.ts";

const h = useHarness();
const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

async function startProducer(init: ProducerInit): Promise<Producer> {
  const producer = new Producer({ logger: silentLogger, ...init });
  h.defer(() => producer.shutdown());
  await producer.start();
  return producer;
}

describe("Producer against NameServerLite and BrokerLite", () => {
  test("1 000 messages with tags, keys and properties: every one stored once, intact, offsets rising per queue, spread over the queues", async () => {
    const { nameServers, brokers } = await startLiteCluster(h);
    const producer = await startProducer({ nameServers, group: "pg" });
    const results = [];
    for (let i = 0; i < 1000; i++) {
      results.push(await producer.send({ topic: "Orders", body: `order-${i}`, tags: i % 2 ? "odd" : "even", keys: [`k${i}`, "all"], properties: { n: String(i) } }));
    }
    expect(results.every((r) => r.status === "SEND_OK" && r.queue.topic === "Orders" && r.queue.brokerName === "broker-a")).toBe(true);
    const byQueue = new Map<number, number[]>();
    for (const r of results) byQueue.set(r.queue.queueId, [...(byQueue.get(r.queue.queueId) ?? []), r.queueOffset]);
    expect([...byQueue.keys()].sort()).toEqual([0, 1, 2, 3]); // the topic was created with 4 queues; round robin uses them all
    for (const [queueId, offsets] of byQueue) {
      expect(offsets).toEqual(offsets.map((_, i) => i));
      const stored = brokers[0]!.read("Orders", queueId, 0, 1000);
      expect(stored.length).toBe(offsets.length);
    }
    const all = [0, 1, 2, 3].flatMap((q) => brokers[0]!.read("Orders", q, 0, 1000));
    expect(new Set(all.map((m) => m.msgId)).size).toBe(1000);
    const m = all.find((x) => x.properties.n === "7")!;
    expect(utf8(m.body)).toBe("order-7");
    expect(m.tags).toBe("odd");
    expect(m.keys).toBe("k7 all");
    expect(m.msgId).toBe(results[7]!.msgId);
    expect(m.offsetMsgId).toBe(results[7]!.offsetMsgId);
  });

  test("a 64 KiB body goes compressed (sysFlag 769) and reads back intact; a batch of 10 lands at consecutive offsets", async () => {
    const { nameServers, brokers } = await startLiteCluster(h);
    const producer = await startProducer({ nameServers, group: "pg" });
    const body = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 0xff);
    const big = await producer.send({ topic: "Big", body });
    const [stored] = brokers[0]!.read("Big", big.queue.queueId, big.queueOffset, 1);
    expect(stored!.sysFlag & 0x701).toBe(0x301);
    expect(stored!.body).toEqual(body);

    const batch = await producer.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic: "Big", body: `b${i}`, keys: `bk${i}` })));
    const ids = batch.msgId.split(",");
    expect(ids.length).toBe(10);
    const got = brokers[0]!.read("Big", batch.queue.queueId, batch.queueOffset, 10);
    expect(got.map((m) => utf8(m.body))).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
    expect(got.map((m) => m.msgId)).toEqual(ids);
    expect(got.map((m) => m.offsetMsgId)).toEqual(batch.offsetMsgId.split(","));
    expect(got.map((m) => m.queueOffset)).toEqual(got.map((_, i) => batch.queueOffset + i));
  });

  test("sharding keys and selectors fix the queue; oneway sends are stored too", async () => {
    const { nameServers, brokers } = await startLiteCluster(h);
    const producer = await startProducer({ nameServers, group: "pg" });
    const first = await producer.send({ topic: "Seq", body: "0" }, { shardingKey: "user-42" });
    for (let i = 1; i < 20; i++) expect((await producer.send({ topic: "Seq", body: String(i) }, { shardingKey: "user-42" })).queue.queueId).toBe(first.queue.queueId);
    const chosen = await producer.send({ topic: "Seq", body: "s" }, { selector: (queues, _m, arg) => queues[arg as number]!, arg: 2 });
    expect(chosen.queue.queueId).toBe(2);
    await expect(producer.send({ topic: "Seq", body: "s" }, { selector: () => ({ topic: "Seq", brokerName: "x", queueId: 0 }) })).rejects.toThrow(TypeError);
    await producer.sendOneway({ topic: "Seq", body: "one" }, { shardingKey: "user-42" });
    const queue = () => brokers[0]!.read("Seq", first.queue.queueId, 0, 100).map((m) => utf8(m.body));
    await waitFor(() => queue().length === 21, "the oneway message stored");
    expect(queue()).toEqual([...Array.from({ length: 20 }, (_, i) => String(i)), "one"]);
  });

  test("a broker that went away: the send is retried on the other broker, within one call", async () => {
    const { nameServers, brokers } = await startLiteCluster(h, [{ brokerName: "broker-a" }, { brokerName: "broker-b" }]);
    for (const b of brokers) await b.createTopic("Ha", 2);
    const producer = await startProducer({ nameServers, group: "pg" });
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add((await producer.send({ topic: "Ha", body: "x" })).queue.brokerName);
    expect([...seen].sort()).toEqual(["broker-a", "broker-b"]);
    await brokers[0]!.shutdown(); // the producer's route still names it
    for (let i = 0; i < 8; i++) expect((await producer.send({ topic: "Ha", body: "y" })).queue.brokerName).toBe("broker-b");
  });

  test("a broker the route names but nobody can reach: the send goes elsewhere, and its failed first heartbeat is logged, never an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    h.defer(() => process.off("unhandledRejection", onUnhandled));
    const { nameServers, brokers } = await startLiteCluster(h);
    await brokers[0]!.createTopic("Gone", 2);
    const gone = await startFakeBroker(h, nameServers, { brokerName: "broker-gone", topics: ["Gone"], onSend: () => sendAnswer(ResponseCode.SYSTEM_ERROR) });
    await gone.server.shutdown(); // still registered: the name server keeps naming it
    const { logger, warnings } = recordingLogger();
    const producer = await startProducer({ nameServers, group: "pg", logger });
    const result = await producer.send({ topic: "Gone", body: "x" }, { queue: { topic: "Gone", brokerName: "broker-a", queueId: 0 } });
    expect(result.status).toBe("SEND_OK");
    await waitFor(() => warnings.some((w) => w.includes("heartbeat failed") && w.includes(gone.address)));
    expect(unhandled).toEqual([]);
  });

  test("no route for the topic and no TBW102: MQClientError 10005; bad messages are refused before anything is sent", async () => {
    const { nameServers } = await startLiteCluster(h, [{ brokerName: "broker-a", autoCreateTopicEnable: false }]);
    const producer = await startProducer({ nameServers, group: "pg" });
    const noRoute = await producer.send({ topic: "Nowhere", body: "x" }).catch((e: unknown) => e);
    expect(noRoute).toBeInstanceOf(MQClientError);
    expect((noRoute as MQClientError).responseCode).toBe(10005);
    await expect(producer.send({ topic: "bad topic", body: "x" })).rejects.toThrow(/illegal characters/);
    await expect(producer.send({ topic: "T", body: "" })).rejects.toThrow(/length is zero/);
    await expect(producer.send({ topic: "T", body: 42 as never })).rejects.toThrow(TypeError);
    await expect(producer.send({ topic: "T", body: "x", tag: "a" } as never)).rejects.toThrow(/unknown field "tag"/);
    await expect(producer.send({ topic: "T", body: "x", properties: { UNIQ_KEY: "1" } })).rejects.toThrow(/used by system/);
    for (const properties of [["a", "b"], "a=b", 5, { a: 1 }, new Map([["a", 2]])]) {
      await expect(producer.send({ topic: "T", body: "x", properties: properties as never })).rejects.toThrow(/message.properties: /);
    }
    await expect(producer.send({ topic: "T", body: new Uint8Array(4 * 1024 * 1024 + 1) })).rejects.toThrow(/over max value/);
    await expect(producer.send({ topic: "T", body: "x" }, { timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
    await expect(producer.sendBatch([{ topic: "A", body: "x" }, { topic: "B", body: "y" }])).rejects.toThrow(/same/);
  });

  test("options are checked when constructed", () => {
    expect(() => new Producer({ nameServers: [], group: "g" })).toThrow(/nameServers/);
    expect(() => new Producer({ nameServers: ["nohost"], group: "g" })).toThrow(/nameServers/);
    expect(() => new Producer({ nameServers: ["127.0.0.1:9876"] } as never)).toThrow(/"group" is required/);
    expect(() => new Producer({ nameServers: ["127.0.0.1:9876"], group: "DEFAULT_PRODUCER" })).toThrow(MQClientError);
    expect(() => new Producer({ nameServers: ["127.0.0.1:9876"], group: "g", sendTimeoutMs: 0 })).toThrow(/sendTimeoutMs/);
    expect(() => new Producer({ nameServers: ["127.0.0.1:9876"], group: "g", compresLevel: 3 } as never)).toThrow(/unknown option "compresLevel"/);
    const p = new Producer({ nameServers: ["127.0.0.1:9876"], group: "g", instanceName: "inst" });
    expect(p.clientId.endsWith("@inst")).toBe(true);
    expect(p.options.retryTimesWhenSendFailed).toBe(2);
  });
});

describe("Producer: what brokers answer, and its life", () => {
  test("SYSTEM_ERROR is retried (3 attempts, then an MQClientError with the code); SYSTEM_BUSY is thrown at once; FLUSH_DISK_TIMEOUT is a status", async () => {
    const { nameServers } = await startLiteCluster(h, []);
    let code: number = ResponseCode.SYSTEM_ERROR;
    const fake = await startFakeBroker(h, nameServers, { brokerName: "broker-x", topics: ["F"], onSend: () => sendAnswer(code, 5) });
    const producer = await startProducer({ nameServers, group: "pg" });
    const sends = () => fake.requests.filter((r) => r.code === RequestCode.SEND_MESSAGE_V2).length;
    const failed = await producer.send({ topic: "F", body: "x" }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(MQClientError);
    expect((failed as MQClientError).responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect((failed as MQClientError).cause).toBeInstanceOf(MQBrokerError);
    expect(sends()).toBe(3);
    code = ResponseCode.SYSTEM_BUSY;
    await expect(producer.send({ topic: "F", body: "x" })).rejects.toBeInstanceOf(MQBrokerError);
    expect(sends()).toBe(4);
    code = ResponseCode.FLUSH_DISK_TIMEOUT;
    const stored = await producer.send({ topic: "F", body: "x" });
    expect(stored.status).toBe("FLUSH_DISK_TIMEOUT");
    expect(stored.queueOffset).toBe(5);
    const request = fake.requests.find((r) => r.code === RequestCode.SEND_MESSAGE_V2)!;
    expect(request.version).toBe(409);
    expect(request.extFields!.a).toBe("pg");
    expect(request.extFields!.c).toBe("TBW102");
  });

  test("a broker that never answers: the send fails within its budget; an aborted send fails at once", async () => {
    const { nameServers } = await startLiteCluster(h, []);
    await startFakeBroker(h, nameServers, { brokerName: "broker-x", topics: ["S"], onSend: () => new Promise(() => {}) });
    const producer = await startProducer({ nameServers, group: "pg" });
    const started = performance.now();
    const failed = await producer.send({ topic: "S", body: "x" }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(MQClientError);
    expect(performance.now() - started).toBeLessThan(2500);
    const controller = new AbortController();
    const pending = producer.send({ topic: "S", body: "x" }, { signal: controller.signal });
    controller.abort(new Error("user gave up"));
    await expect(pending).rejects.toBeInstanceOf(RemotingAbortedError);
    await expect(producer.send({ topic: "S", body: "x" }, { signal: controller.signal })).rejects.toBeInstanceOf(RemotingAbortedError);
  });

  test("heartbeats name both producer groups; shutdown waits for sends in progress, then unregisters both groups", async () => {
    const { nameServers } = await startLiteCluster(h, []);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fake = await startFakeBroker(h, nameServers, { brokerName: "broker-x", topics: ["L"], onSend: async () => (await gate, sendAnswer(0)) });
    const producer = new Producer({ nameServers, group: "pg", logger: silentLogger });
    await expect(producer.send({ topic: "L", body: "x" })).rejects.toBeInstanceOf(RemotingLifecycleError);
    await producer.start();
    const inFlight = producer.send({ topic: "L", body: "x" });
    await waitFor(() => fake.requests.some((r) => r.code === RequestCode.HEART_BEAT), "a heartbeat");
    const heartbeat = fake.requests.find((r) => r.code === RequestCode.HEART_BEAT)!;
    const data = parseHeartbeatData(heartbeat.body);
    expect(data.clientID).toBe(producer.clientId);
    expect(data.producerDataSet.map((p) => p.groupName).sort()).toEqual(["CLIENT_INNER_PRODUCER", "pg"]);
    const stopping = producer.shutdown();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await expect(producer.send({ topic: "L", body: "x" })).rejects.toBeInstanceOf(RemotingLifecycleError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Still waiting for the send: nothing unregistered yet.
    expect(stopped).toBe(false);
    expect(fake.requests.some((r) => r.code === RequestCode.UNREGISTER_CLIENT)).toBe(false);
    release();
    expect((await inFlight).status).toBe("SEND_OK");
    await stopping;
    await producer.shutdown();
    const unregisters = fake.requests.filter((r) => r.code === RequestCode.UNREGISTER_CLIENT).map((r) => r.extFields!.producerGroup);
    expect(unregisters.sort()).toEqual(["CLIENT_INNER_PRODUCER", "pg"]);
    await expect(producer.start()).rejects.toBeInstanceOf(RemotingLifecycleError);
  });
});
