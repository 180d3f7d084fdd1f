import { describe, expect, test } from "bun:test";
import { createRequest, RemotingClient, RequestCode, ResponseCode, silentLogger, type RemotingCommand } from "../../src/index.ts";
import { BrokerLite } from "../../src/lite/index.ts";
import { QueueLocks } from "../../src/lite/queue-locks.ts";
import { buildSendMessageRequestHeader, createSendMessageRequest, decodeMessageExts, parseConsumerIdList, parseLockBatchResponseBody } from "../../src/rocketmq/index.ts";
import { HOST, useHarness, waitFor } from "../helpers/harness.ts";
import { vector } from "../helpers/message-vectors.ts";

const h = useHarness();
const utf8 = new TextEncoder();

/** A BrokerLite with a clock the test moves, and a client that records what the broker sends it. */
async function setUp() {
  let now = 1_796_271_036_000;
  const broker = new BrokerLite({ host: HOST, port: 0, logger: silentLogger, shutdownTimeoutMs: 200, delayScale: 0.001, now: () => now });
  h.defer(() => broker.shutdown());
  await broker.start();
  const client = new RemotingClient({ logger: silentLogger, shutdownTimeoutMs: 200 });
  h.defer(() => client.shutdown());
  const notified: RemotingCommand[] = [];
  client.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (_ctx, request) => {
    notified.push(request);
    return null;
  });
  const call = (request: RemotingCommand) => client.invokeSync(broker.address, request, 3000);
  const replay = (id: string) => call(vector(id).command);
  return { broker, client, call, replay, notified, advance: (ms: number) => (now += ms) };
}

function send(topic: string, queueId: number, body: string, tags: string): RemotingCommand {
  return createSendMessageRequest(buildSendMessageRequestHeader({ producerGroup: "g", topic, queueId, properties: { TAGS: tags } }), utf8.encode(body));
}

/** The answer's code, remark and header against the Java broker's captured answer. */
function expectAnsweredAsJava(response: RemotingCommand, id: string): void {
  const java = vector(id).command;
  expect({ code: response.code, remark: response.remark, extFields: response.extFields ?? {} }).toEqual({ code: java.code, remark: java.remark, extFields: java.extFields ?? {} });
}

/** The heartbeat the Java push consumer sent, with its subscriptions' versions raised to `subVersion` (as a later heartbeat of it would carry). */
function laterHeartbeat(subVersion: number): RemotingCommand {
  const java = vector("J-HEARTBEAT-PUSH-REQ").command;
  const body = new TextDecoder().decode(java.body!).replace(/"subVersion":\d+/g, `"subVersion":${subVersion}`);
  return { ...java, body: utf8.encode(body) };
}

describe("BrokerLite serves the Java 4.9.8 consumers' calls as the Java broker did (captured frames)", () => {
  test("pulls: FOUND, caught up, beyond the end, tag filter; offsets; the max offset", async () => {
    const { broker, replay, call } = await setUp();
    expect((await replay("J-SEND-SYNC-REQ")).code).toBe(ResponseCode.SUCCESS); // TopicVec created from TBW102, message at queue 0 offset 0
    for (let i = 1; i < 7; i++) expect((await call(send("TopicVec", 0, `m${i}`, i % 2 ? "TagB" : "TagC"))).code).toBe(ResponseCode.SUCCESS);
    expectAnsweredAsJava(await replay("J-GET-MAX-OFFSET-REQ"), "J-GET-MAX-OFFSET-RSP"); // 7
    await call(send("TopicVec", 0, "m7", "TagA"));

    const found = await replay("J-PULL-FOUND-REQ");
    expectAnsweredAsJava(found, "J-PULL-FOUND-RSP"); // FOUND, nextBeginOffset 8, min 0, max 8
    const records = decodeMessageExts(found.body!);
    expect(records.map((m) => m.queueOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const javaFirst = vector("J-PULL-FOUND-RSP").decodesTo.body!.messages![0]! as { properties: Record<string, string> };
    expect({ ...records[0]!.properties }).toEqual(javaFirst.properties); // the Java producer's message, stored as the Java broker stored it

    const tagged = await replay("J-PULL-FOUND-TAGS-REQ"); // "TagA || TagB": filtered by tag hash, the scan still reaches 8
    expectAnsweredAsJava(tagged, "J-PULL-FOUND-TAGS-RSP");
    expect(decodeMessageExts(tagged.body!).map((m) => m.tags)).toEqual(["TagA", "TagB", "TagB", "TagB", "TagA"]);

    expectAnsweredAsJava(await replay("J-PULL-NOT-FOUND-REQ"), "J-PULL-NOT-FOUND-RSP"); // 19 OFFSET_OVERFLOW_ONE
    expectAnsweredAsJava(await replay("J-PULL-OFFSET-MOVED-REQ"), "J-PULL-OFFSET-MOVED-RSP"); // 21, back to the max offset
    expectAnsweredAsJava(await replay("J-QUERY-OFFSET-REQ"), "J-QUERY-OFFSET-RSP"); // a new group reads 0 while the queue starts at 0
    expectAnsweredAsJava(await replay("J-UPDATE-OFFSET-SYNC-REQ"), "J-UPDATE-OFFSET-SYNC-RSP");
    expect(broker.committedOffset("cg_pull_vec_json", "TopicVec", 0)).toBe(3);
  });

  test("a held pull is answered when a message arrives in its queue, and one with nothing after its suspend time", async () => {
    const { broker, replay, call, advance } = await setUp();
    await replay("J-SEND-SYNC-REQ");
    for (let i = 1; i < 8; i++) await call(send("TopicVec", 0, `m${i}`, "TagB"));
    const held = replay("J-PULL-LONGPOLL-REQ"); // at the max offset, SUSPEND: held
    await waitFor(() => broker.stats.heldPulls === 1);
    await call(send("TopicVec", 0, "M6: wakes up the long poll", "TagL"));
    const woken = await held;
    expectAnsweredAsJava(woken, "J-PULL-LONGPOLL-RSP"); // FOUND, next 9
    expect(decodeMessageExts(woken.body!)[0]!.tags).toBe("TagL");

    expect((await replay("J-HEARTBEAT-PUSH-REQ")).code).toBe(ResponseCode.SUCCESS);
    expect((await call(laterHeartbeat(1_796_271_049_999))).code).toBe(ResponseCode.SUCCESS);
    const empty = replay("J-PULL-LONGPOLL-TIMEOUT-REQ"); // queue 1 is empty: held for its 15 s
    await waitFor(() => broker.stats.heldPulls === 1);
    await Bun.sleep(600);
    expect(broker.stats.heldPulls).toBe(1); // not before its time
    advance(15_000);
    expectAnsweredAsJava(await empty, "J-PULL-LONGPOLL-TIMEOUT-RSP"); // 19 NO_MESSAGE_IN_QUEUE
    expect(broker.stats.heldPulls).toBe(0);
  });

  test("heartbeats: the group, its retry topic, the notification, the consumer list, an older subscription refused, unregistering", async () => {
    const { broker, replay, call, notified } = await setUp();
    await replay("J-SEND-SYNC-REQ");
    expect((await replay("J-HEARTBEAT-PUSH-REQ")).code).toBe(ResponseCode.SUCCESS);
    await waitFor(() => notified.length === 1); // a new client: the group is told (oneway), on the client's connection
    const javaNotify = vector("J-NOTIFY-IDS-CHANGED-REQ").command;
    expect([notified[0]!.extFields, notified[0]!.flag & 2]).toEqual([javaNotify.extFields, javaNotify.flag & 2]);
    expect(broker.consumers("cg_push_vec_json")).toEqual(["192.0.2.2@push1"]);
    const list = await replay("J-CONSUMER-LIST-REQ");
    expect(list.code).toBe(ResponseCode.SUCCESS);
    expect(parseConsumerIdList(list.body).consumerIdList).toEqual(["192.0.2.2@push1"]);

    expectAnsweredAsJava(await replay("J-SUBSCRIPTION-NOT-LATEST-REQ"), "J-SUBSCRIPTION-NOT-LATEST-RSP"); // 25: the pull's subVersion is newer than the heartbeat's
    await replay("J-HEARTBEAT-PUSH-REQ");
    expect(notified.length).toBe(1); // the same client and topics again: no notification

    expectAnsweredAsJava(await replay("J-UNREGISTER-CONSUMER-REQ"), "J-UNREGISTER-CONSUMER-RSP");
    expect(broker.consumers("cg_push_vec_json")).toEqual([]);
    expect((await call({ ...vector("J-CONSUMER-LIST-REQ").command })).code).toBe(ResponseCode.SYSTEM_ERROR); // no consumer for this group
  });

  test("CONSUMER_SEND_MSG_BACK: the message comes back in the retry topic after its delay, its record as the Java broker wrote it", async () => {
    const { broker, replay, call, advance } = await setUp();
    await replay("J-SEND-SYNC-REQ"); // commit-log offset 0, what the Java send-back names
    await call(laterHeartbeat(1_796_271_049_999)); // creates %RETRY%cg_push_vec_json
    expectAnsweredAsJava(await replay("J-SEND-BACK-REQ"), "J-SEND-BACK-RSP");
    expect(broker.stats.delayedMessages).toBe(1); // level 3 (3 + reconsumeTimes 0): 10 s, scaled to 10 ms here
    await Bun.sleep(30);
    expect(broker.maxOffset("%RETRY%cg_push_vec_json", 0)).toBe(0); // the broker's clock has not moved
    advance(9);
    await Bun.sleep(30);
    expect(broker.maxOffset("%RETRY%cg_push_vec_json", 0)).toBe(0);
    advance(1);
    await waitFor(() => broker.maxOffset("%RETRY%cg_push_vec_json", 0) === 1);
    const pulled = await replay("J-PUSH-PULL-RETRY-REQ");
    expectAnsweredAsJava(pulled, "J-PUSH-PULL-RETRY-RSP");
    const [retried] = decodeMessageExts(pulled.body!);
    const java = vector("J-PUSH-PULL-RETRY-RSP").decodesTo.body!.messages![0]! as { properties: Record<string, string>; reconsumeTimes: number; topic: string };
    const original = broker.read("TopicVec", 0)[0]!;
    expect({ ...retried!.properties }).toEqual({ ...java.properties, ORIGIN_MESSAGE_ID: original.offsetMsgId }); // Java's held its own store address
    expect([retried!.topic, retried!.reconsumeTimes]).toEqual([java.topic, java.reconsumeTimes]);
  });

  test("a delayed send is parked in SCHEDULE_TOPIC_XXXX, answered as Java answered it, and lands in its queue after the delay", async () => {
    const { broker, replay, advance } = await setUp();
    const response = await replay("J-SEND-DELAY-REQ");
    const java = vector("J-SEND-DELAY-RSP").command;
    expect([response.extFields!.queueId, response.extFields!.queueOffset]).toEqual([java.extFields!.queueId, java.extFields!.queueOffset]);
    expect(broker.maxOffset("SCHEDULE_TOPIC_XXXX", 0)).toBe(1);
    advance(1);
    await waitFor(() => broker.maxOffset("TopicVec", 0) === 1); // level 1: 1 s, scaled to 1 ms
    const [landed] = broker.read("TopicVec", 0);
    expect([landed!.properties.REAL_TOPIC, landed!.properties.REAL_QID, landed!.properties.DELAY]).toEqual(["TopicVec", "0", "1"]);
    expect(broker.stats.delayedMessages).toBe(0);
  });
});

describe("BrokerLite: queue locks for orderly consumers", () => {
  test("LOCK_BATCH_MQ and UNLOCK_BATCH_MQ as Java's RebalanceLockManager: one client per queue and group, renewed by locking again, taken over a minute after the last renewal", async () => {
    const { call, advance } = await setUp();
    const q = (queueId: number) => ({ topic: "TopicO", brokerName: "broker-a", queueId });
    // The bodies as fastjson writes them (the Java client's LockBatchRequestBody), duplicates included.
    const lock = async (clientId: string, queues: number[], consumerGroup = "cg") => {
      const body = JSON.stringify({ clientId, consumerGroup, mqSet: queues.map(q) });
      const response = await call(createRequest(RequestCode.LOCK_BATCH_MQ, { body, serializeType: "JSON" }));
      expect([response.code, response.remark]).toEqual([ResponseCode.SUCCESS, null]);
      return parseLockBatchResponseBody(response.body).lockOKMQSet.map((m) => m.queueId).sort();
    };
    const unlock = async (clientId: string, queues: number[]) =>
      (await call(createRequest(RequestCode.UNLOCK_BATCH_MQ, { body: JSON.stringify({ clientId, consumerGroup: "cg", mqSet: queues.map(q) }) }))).code;
    expect(await lock("A", [0, 1, 1])).toEqual([0, 1]);
    expect(await lock("B", [1, 2])).toEqual([2]); // 1 is A's
    expect(await lock("B", [1], "other-group")).toEqual([1]); // per group
    advance(59_000);
    expect(await lock("A", [0])).toEqual([0]); // renewed; 1 is not
    advance(1_000);
    expect(await lock("B", [1])).toEqual([]); // 60 s since A locked it: still A's (expired only past 60 000 ms)
    advance(1_000);
    expect(await lock("B", [0, 1])).toEqual([1]); // A's 1 expired, its renewed 0 did not
    expect(await unlock("A", [0, 1])).toBe(ResponseCode.SUCCESS); // 1 is B's now: left alone
    expect(await lock("B", [0, 1])).toEqual([0, 1]);
    expect(await lock("A", [0, 1])).toEqual([]);
    const bad = await call(createRequest(RequestCode.LOCK_BATCH_MQ, { body: '{"clientId":"A"}' }));
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  test("the lock table is bounded: past 65 536 live locks new ones are refused, without a scan per queue; expired ones make room", () => {
    let now = 0;
    const locks = new QueueLocks(() => now);
    const queues = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ topic: "T", brokerName: "b", queueId: from + i }));
    expect(locks.tryLockBatch("g", queues(0, 65_536), "A").length).toBe(65_536);
    expect(locks.tryLockBatch("g", queues(65_536, 20_000), "B")).toEqual([]); // one sweep: a sweep per queue (20 000 x 65 536) would run past the test's timeout
    now = 60_001;
    expect(locks.tryLockBatch("g", queues(65_536, 10), "B").length).toBe(10); // A's expired: swept once, room made
  });
});
