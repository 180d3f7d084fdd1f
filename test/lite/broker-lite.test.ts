import { describe, expect, test } from "bun:test";
import { createRequest, RemotingClient, RequestCode, ResponseCode, silentLogger, type RemotingCommand } from "../../src/index.ts";
import { BrokerLite } from "../../src/lite/index.ts";
import {
  createRouteInfoRequest,
  createSendMessageRequest,
  buildSendMessageRequestHeader,
  decodeMessageExts,
  decodeOffsetMessageId,
  decodeProperties,
  encodeMessageBatch,
  parseTopicRouteData,
  tagsCodeOf,
} from "../../src/rocketmq/index.ts";
import { HOST, useHarness, waitFor } from "../helpers/harness.ts";
import { recordingLogger } from "../helpers/probes.ts";
import { unusedPort } from "../helpers/unused-port.ts";
import { startLiteCluster } from "../helpers/lite-cluster.ts";
import { vector } from "../helpers/message-vectors.ts";

const h = useHarness();

async function clientFor(): Promise<RemotingClient> {
  const client = new RemotingClient({ logger: silentLogger, shutdownTimeoutMs: 200 });
  h.defer(() => client.shutdown());
  return client;
}

/** The one broker of a fresh lite cluster with `topics` created (name -> queues), and a client. */
async function liteBroker(topics: Record<string, number> = {}): Promise<{ broker: BrokerLite; client: RemotingClient }> {
  const { brokers } = await startLiteCluster(h);
  const broker = brokers[0]!;
  for (const [topic, queues] of Object.entries(topics)) await broker.createTopic(topic, queues);
  return { broker, client: await clientFor() };
}

/** QUERY_MESSAGE for `key` in `topic`, stored from `begin` to `end` (by default: any time up to a minute ahead). */
function queryRequest(topic: string, key: string, maxNum: number, begin = 0, end = Date.now() + 60_000, extra: Record<string, string> = {}): RemotingCommand {
  return createRequest(RequestCode.QUERY_MESSAGE, { extFields: { topic, key, maxNum: String(maxNum), beginTimestamp: String(begin), endTimestamp: String(end), ...extra } });
}

function send(topic: string, queueId: number, body: string, properties: Record<string, string> = { WAIT: "true" }, defaultTopic?: string): RemotingCommand {
  const header = buildSendMessageRequestHeader({ producerGroup: "g", topic, queueId, properties, ...(defaultTopic ? { defaultTopic } : {}) });
  return createSendMessageRequest(header, new TextEncoder().encode(body));
}

describe("BrokerLite: QUERY_MESSAGE", () => {
  test("finds the newest messages of a topic by one of their KEYS or their unique id, in the time range, as Java's broker answers", async () => {
    const { broker, client } = await liteBroker({ TopicQ: 4, TopicR: 4 });
    const stored: RemotingCommand[] = [];
    for (const [topic, body, keys, uniq] of [
      ["TopicQ", "one", "k1 k2", "U1"],
      ["TopicQ", "two", "k2", "U2"],
      ["TopicQ", "three", "k3", "U3"],
      ["TopicR", "other", "k2", "U4"],
    ] as const) {
      stored.push(await client.invokeSync(broker.address, send(topic, 0, body, { WAIT: "true", KEYS: keys, UNIQ_KEY: uniq }), 3000));
    }
    const query = (key: string, maxNum: number, begin?: number, end?: number, extra?: Record<string, string>) => client.invokeSync(broker.address, queryRequest("TopicQ", key, maxNum, begin, end, extra), 3000);
    const bodies = (response: RemotingCommand) => decodeMessageExts(response.body!).map((m) => new TextDecoder().decode(m.body));
    const last = decodeOffsetMessageId(stored[3]!.extFields!.msgId!).commitLogOffset;

    const byKey = await query("k2", 10);
    expect(byKey.code).toBe(ResponseCode.SUCCESS);
    expect(bodies(byKey)).toEqual(["one", "two"]); // in store order; TopicR's k2 is another topic's
    expect(byKey.extFields!.indexLastUpdatePhyoffset).toBe(String(last)); // the index's newest entry, whatever its topic
    expect(Number(byKey.extFields!.indexLastUpdateTimestamp)).toBeGreaterThan(0);
    expect(bodies(await query("k2", 1))).toEqual(["two"]); // the newest first
    expect(bodies(await query("U3", 0, 0, Date.now() + 60_000, { _UNIQUE_KEY_QUERY: "true" }))).toEqual(["three"]); // maxNum is 32 for a unique id

    for (const missing of [await query("k2", 10, 0, 1), await query("nope", 10), await query("k2", 0)]) {
      expect(missing.code).toBe(ResponseCode.QUERY_NOT_FOUND);
      expect(missing.remark).toBe("can not find message, maybe time range not correct");
      expect(missing.extFields).toEqual({ indexLastUpdateTimestamp: "0", indexLastUpdatePhyoffset: "0" });
    }
  });
});

describe("BrokerLite: records a consumer cannot decode", () => {
  test("a send naming an unknown compression type is stored, as Java's broker stores it, and spoils neither QUERY_MESSAGE nor VIEW_MESSAGE_BY_ID", async () => {
    const { broker, client } = await liteBroker({ TopicZ: 1 });
    const sendWithSysFlag = (body: string, sysFlag: number) => {
      const header = { ...buildSendMessageRequestHeader({ producerGroup: "g", topic: "TopicZ", queueId: 0, properties: { KEYS: "order-1" } }), sysFlag };
      return client.invokeSync(broker.address, createSendMessageRequest(header, new TextEncoder().encode(body)), 3000);
    };
    expect((await sendWithSysFlag("legit", 0)).code).toBe(ResponseCode.SUCCESS);
    const odd = await sendWithSysFlag("not zlib", 1 | (7 << 8)); // COMPRESSED, compression type 7
    expect(odd.code).toBe(ResponseCode.SUCCESS);
    const query = await client.invokeSync(broker.address, queryRequest("TopicZ", "order-1", 10), 3000);
    expect(query.code).toBe(ResponseCode.SUCCESS);
    const found = decodeMessageExts(query.body!, { keepCompressedBody: true });
    expect(found.map((m) => [new TextDecoder().decode(m.body), m.sysFlag])).toEqual([["legit", 0], ["not zlib", 1 | (7 << 8)]]);
    const view = await client.invokeSync(broker.address, createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { extFields: { offset: String(decodeOffsetMessageId(odd.extFields!.msgId!).commitLogOffset) } }), 3000);
    expect(view.code).toBe(ResponseCode.SUCCESS);
    expect(() => broker.read("TopicZ", 0)).toThrow(/compression type 7/); // what a consumer would meet
  });
});

describe("BrokerLite: VIEW_MESSAGE_BY_ID", () => {
  test("answers the record stored at the offset an offset message id carries, and SYSTEM_ERROR with Java's remark where none starts", async () => {
    const { broker, client } = await liteBroker({ TopicV: 4 });
    await client.invokeSync(broker.address, send("TopicV", 1, "first"), 3000);
    const sent = await client.invokeSync(broker.address, send("TopicV", 1, "second", { WAIT: "true", TAGS: "t" }), 3000);
    const { commitLogOffset } = decodeOffsetMessageId(sent.extFields!.msgId!);
    expect(commitLogOffset).toBeGreaterThan(0);
    const view = (offset: string | undefined) => client.invokeSync(broker.address, createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { extFields: offset === undefined ? {} : { offset } }), 3000);

    const found = await view(String(commitLogOffset));
    expect(found.code).toBe(ResponseCode.SUCCESS);
    expect(found.remark).toBeNull();
    const [message, ...rest] = decodeMessageExts(found.body!);
    expect(rest).toEqual([]);
    expect(message!.topic).toBe("TopicV");
    expect(message!.queueId).toBe(1);
    expect(message!.queueOffset).toBe(1);
    expect(message!.commitLogOffset).toBe(commitLogOffset);
    expect(message!.msgId).toBe(sent.extFields!.msgId!);
    expect(new TextDecoder().decode(message!.body)).toBe("second");
    expect(message!.properties.TAGS).toBe("t");

    for (const offset of [String(commitLogOffset + 1), "-1", "9223372036854775807"]) {
      const missing = await view(offset);
      expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(missing.remark).toBe(`can not find message by the offset, ${offset}`);
    }
    const invalid = await view(undefined);
    expect(invalid.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(invalid.remark).toContain("offset");
  });
});

describe("BrokerLite: sends", () => {
  test("a delayed send and a dead retry are answered with the queue the producer asked for, as Java's broker does, and stored where they go", async () => {
    const { broker, client } = await liteBroker({ TopicD: 4 });
    const delayed = await client.invokeSync(broker.address, send("TopicD", 2, "later", { WAIT: "true", DELAY: "1" }), 3000);
    expect(delayed.code).toBe(ResponseCode.SUCCESS);
    expect(delayed.extFields!.queueId).toBe("2"); // stored in SCHEDULE_TOPIC_XXXX queue 0 (level 1)
    expect(broker.maxOffset("SCHEDULE_TOPIC_XXXX", 0)).toBe(1);
    const header = buildSendMessageRequestHeader({ producerGroup: "g", topic: "%RETRY%cg", queueId: 3, properties: { WAIT: "true", RECONSUME_TIME: "16", MAX_RECONSUME_TIMES: "16" } });
    await broker.createTopic("%RETRY%cg", 4);
    const dead = await client.invokeSync(broker.address, createSendMessageRequest(header, new TextEncoder().encode("dead")), 3000);
    expect(dead.code).toBe(ResponseCode.SUCCESS);
    expect(dead.extFields!.queueId).toBe("3"); // stored in %DLQ%cg queue 0
    expect(broker.maxOffset("%DLQ%cg", 0)).toBe(1);
  });

  test("the Java 4.9.8 producer's SEND_MESSAGE_V2 is stored, and answered with the fields the Java broker answers", async () => {
    const { broker, client } = await liteBroker();
    const javaRequest = vector("J-SEND-SYNC-REQ").command;
    const javaResponse = vector("J-SEND-SYNC-RSP").command;
    const response = await client.invokeSync(broker.address, javaRequest, 3000);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.version).toBe(javaResponse.version); // 409
    expect(response.serializeType).toBe(javaResponse.serializeType);
    expect(Object.keys(response.extFields!).sort()).toEqual(Object.keys(javaResponse.extFields!).sort());
    const queueId = Number(javaRequest.extFields!.e);
    expect(response.extFields!.queueId).toBe(String(queueId));
    expect(response.extFields!.queueOffset).toBe("0");
    const offsetId = decodeOffsetMessageId(response.extFields!.msgId!);
    expect(offsetId.address).toBe(broker.address);

    const [stored] = broker.read(javaRequest.extFields!.b!, queueId);
    const sent = decodeProperties(javaRequest.extFields!.i!);
    expect(stored!.body).toEqual(javaRequest.body!);
    expect(stored!.tags).toBe(sent.TAGS);
    expect(stored!.properties.color).toBe(sent.color!);
    expect(stored!.properties.greeting).toBe(sent.greeting!);
    expect(stored!.properties.WAIT).toBeUndefined(); // 4.9.8 drops WAIT from the stored properties
    expect(stored!.properties.CLUSTER).toBe("DefaultCluster");
    expect(stored!.msgId).toBe(sent.UNIQ_KEY!);
    expect(stored!.offsetMsgId).toBe(response.extFields!.msgId!);
    expect(stored!.bornTimestamp).toBe(Number(javaRequest.extFields!.g));
    expect(stored!.storeHost).toBe(broker.address);
    expect(stored!.bornHost.startsWith("127.0.0.1:")).toBe(true);
  });

  test("the Java producer's batch is stored at consecutive offsets; msgId lists every offset id", async () => {
    const { broker, client } = await liteBroker();
    const javaRequest = vector("J-SEND-BATCH-REQ").command;
    const response = await client.invokeSync(broker.address, javaRequest, 3000);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const ids = response.extFields!.msgId!.split(",");
    expect(ids.length).toBe(3);
    const queueId = Number(response.extFields!.queueId);
    const stored = broker.read(javaRequest.extFields!.b!, queueId);
    expect(stored.map((m) => m.queueOffset)).toEqual([0, 1, 2]);
    expect(stored.map((m) => m.offsetMsgId)).toEqual(ids);
    expect(stored.map((m) => m.keys)).toEqual(["batch-key-1", "batch-key-2", "batch-key-3"]);
    expect(stored[1]!.properties.batchProp).toBe("two");
    expect(stored.every((m) => m.properties.CLUSTER === "DefaultCluster")).toBe(true);
  });

  test("a topic created by a send gets min(asked, TBW102's) queues and the name server hears of it", async () => {
    const { brokers, nameServers } = await startLiteCluster(h);
    const broker = brokers[0]!;
    const client = await clientFor();
    const routeOf = async (topic: string) => client.invokeSync(nameServers[0]!, createRouteInfoRequest(topic), 3000);
    expect((await routeOf("Fresh")).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    const tbw = parseTopicRouteData((await routeOf("TBW102")).body);
    expect(tbw.queueDatas[0]).toMatchObject({ brokerName: "broker-a", perm: 7, readQueueNums: 8, writeQueueNums: 8 });
    const response = await client.invokeSync(broker.address, send("Fresh", 3, "x"), 3000);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    let route: ReturnType<typeof parseTopicRouteData> | null = null;
    const poll = async () => {
      const r = await routeOf("Fresh");
      if (r.code === ResponseCode.SUCCESS) route = parseTopicRouteData(r.body);
    };
    const deadline = performance.now() + 5000; // the registration after the send is asynchronous
    while (route === null && performance.now() < deadline) await poll();
    expect(route!.queueDatas[0]).toMatchObject({ brokerName: "broker-a", perm: 6, readQueueNums: 4, writeQueueNums: 4 });
    expect(route!.brokerDatas[0]!.brokerAddrs["0"]).toBe(broker.address);
  });

  test("refusals as Java's: unknown topic without auto-creation, queue id out of range, forbidden and invalid topics", async () => {
    const { brokers } = await startLiteCluster(h, [{ brokerName: "broker-a", autoCreateTopicEnable: false }]);
    const broker = brokers[0]!;
    await broker.createTopic("Known", 2);
    const client = await clientFor();
    const code = async (request: RemotingCommand) => (await client.invokeSync(broker.address, request, 3000)).code;
    expect(await code(send("Unknown", 0, "x"))).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(await code(send("Known", 2, "x"))).toBe(ResponseCode.SYSTEM_ERROR);
    expect(await code(send("SCHEDULE_TOPIC_XXXX", 0, "x"))).toBe(ResponseCode.NO_PERMISSION);
    expect(await code(send("bad topic!", 0, "x"))).toBe(ResponseCode.SYSTEM_ERROR);
    expect(await code(createRequest(RequestCode.SEND_MESSAGE_V2, { extFields: { b: "Known" } }))).toBe(ResponseCode.SYSTEM_ERROR);
    const badBatch = createSendMessageRequest(buildSendMessageRequestHeader({ producerGroup: "g", topic: "Known", queueId: 0, properties: {}, batch: true }), new Uint8Array([0, 0, 0, 99, 1]));
    expect(await code(badBatch)).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(await code(send("Known", -1, "any queue"))).toBe(ResponseCode.SUCCESS); // a negative queue id: the broker picks
    expect(broker.stats.messages).toBe(1);
  });

  test("UPDATE_AND_CREATE_TOPIC as the Java admin tools send it: the topic is created or changed, the name server hears of it; system topics and bad names are refused with Java's remarks", async () => {
    const { brokers, nameServers } = await startLiteCluster(h, [{ brokerName: "broker-a", autoCreateTopicEnable: false }]);
    const broker = brokers[0]!;
    const client = await clientFor();
    // MQClientAPIImpl.createTopic's header (DefaultMQProducer.createTopic, mqadmin updateTopic), every value a string.
    const createTopic = (topic: string, fields: Record<string, string> = {}) =>
      client.invokeSync(broker.address, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { extFields: { topic, defaultTopic: "TBW102", readQueueNums: "3", writeQueueNums: "3", perm: "6", topicFilterType: "SINGLE_TAG", topicSysFlag: "0", order: "false", ...fields } }), 3000);
    /** The topic's queue data at the name server once it has `perm` (the registration after a change is asynchronous). */
    const routeOf = async (topic: string, perm: number) => {
      for (const deadline = performance.now() + 5000; ; ) {
        const r = await client.invokeSync(nameServers[0]!, createRouteInfoRequest(topic), 3000);
        const queues = r.code === ResponseCode.SUCCESS ? parseTopicRouteData(r.body).queueDatas[0] : undefined;
        if (queues?.perm === perm) return queues;
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${topic} with perm ${perm} at the name server`);
      }
    };
    const created = await createTopic("Admin");
    expect([created.code, created.remark]).toEqual([ResponseCode.SUCCESS, null]);
    expect(await routeOf("Admin", 6)).toMatchObject({ readQueueNums: 3, writeQueueNums: 3 });
    expect((await client.invokeSync(broker.address, send("Admin", 2, "to queue 2"), 3000)).code).toBe(ResponseCode.SUCCESS);
    expect((await createTopic("Admin", { readQueueNums: "6", writeQueueNums: "6", perm: "4" })).code).toBe(ResponseCode.SUCCESS);
    expect(await routeOf("Admin", 4)).toMatchObject({ readQueueNums: 6, writeQueueNums: 6 }); // read only
    expect((await client.invokeSync(broker.address, send("Admin", 0, "read-only now"), 3000)).code).toBe(ResponseCode.NO_PERMISSION);
    expect(broker.read("Admin", 2).length).toBe(1); // kept across the change
    for (const [topic, remark] of [
      ["TBW102", "The topic[TBW102] is conflict with system topic."],
      ["rmq_sys_x", "The topic[rmq_sys_x] is conflict with system topic."],
      ["bad topic!", "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"],
      ["x".repeat(128), "The specified topic is longer than topic max length."],
    ] as const) {
      const refused = await createTopic(topic);
      expect([refused.code, refused.remark]).toEqual([ResponseCode.SYSTEM_ERROR, remark]);
    }
    expect((await createTopic("Odd", { topicFilterType: "NONE" })).remark).toBe("topicFilterType = [NONE] value invalid");
    expect((await createTopic("Huge", { writeQueueNums: "100000" })).code).toBe(ResponseCode.SYSTEM_ERROR);
    expect((await client.invokeSync(broker.address, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { extFields: { topic: "NoCounts" } }), 3000)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const badSend = await client.invokeSync(broker.address, send("bad topic!", 0, "x"), 3000);
    expect(badSend.remark).toBe("The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"); // the broker's words, not the client's
  });

  test("a topic change while the name servers cannot be reached is answered, and the failed registration logged, not left as an unhandled rejection", async () => {
    const { logger, warnings } = recordingLogger();
    const broker = new BrokerLite({ host: HOST, port: 0, logger, shutdownTimeoutMs: 200, nameServers: [`127.0.0.1:${await unusedPort()}`] });
    h.defer(() => broker.shutdown());
    await broker.start(); // its first registration fails: logged
    const client = await clientFor();
    const extFields = { topic: "T", defaultTopic: "TBW102", readQueueNums: "1", writeQueueNums: "1", perm: "6", topicFilterType: "SINGLE_TAG", order: "false" };
    expect((await client.invokeSync(broker.address, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { extFields }), 3000)).code).toBe(ResponseCode.SUCCESS);
    expect((await client.invokeSync(broker.address, send("Fresh", 0, "creates a topic"), 3000)).code).toBe(ResponseCode.SUCCESS);
    await waitFor(() => warnings.filter((w) => w.includes("registration after a topic change failed")).length === 2, "both failures logged");
  });

  test("retention: the oldest messages go beyond maxMessages, and offsets keep counting", async () => {
    const broker = new BrokerLite({ host: HOST, port: 0, logger: silentLogger, maxMessages: 5 });
    h.defer(() => broker.shutdown());
    await broker.start();
    await broker.createTopic("R", 1);
    const client = await clientFor();
    for (let i = 0; i < 12; i++) expect((await client.invokeSync(broker.address, send("R", 0, `m${i}`, { TAGS: "T", WAIT: "true" }), 3000)).code).toBe(0);
    expect(broker.stats.messages).toBe(5);
    expect(broker.maxOffset("R", 0)).toBe(12);
    const kept = broker.read("R", 0, 0, 100);
    expect(kept.map((m) => new TextDecoder().decode(m.body))).toEqual(["m7", "m8", "m9", "m10", "m11"]);
    expect(kept[0]!.tags).toBe("T");
    expect(tagsCodeOf("T")).not.toBe(0);
  });

  test("options are checked, start and shutdown are idempotent, and batches of our own encoder are stored too", async () => {
    expect(() => new BrokerLite({ maxMessages: 0 })).toThrow(/maxMessages/);
    expect(() => new BrokerLite({ nameServers: "127.0.0.1:9876" as never })).toThrow(/nameServers/);
    const broker = new BrokerLite({ host: HOST, port: 0, logger: silentLogger });
    await Promise.all([broker.start(), broker.start()]);
    await broker.createTopic("B", 1);
    const client = await clientFor();
    const body = encodeMessageBatch([1, 2].map((i) => ({ body: new Uint8Array([i]), properties: { KEYS: `k${i}` } })));
    const header = buildSendMessageRequestHeader({ producerGroup: "g", topic: "B", queueId: 0, properties: { WAIT: "true" }, batch: true });
    expect((await client.invokeSync(broker.address, createSendMessageRequest(header, body), 3000)).code).toBe(0);
    expect(broker.read("B", 0).map((m) => m.keys)).toEqual(["k1", "k2"]);
    await Promise.all([broker.shutdown(), broker.shutdown()]);
    await broker.shutdown();
  });
});
