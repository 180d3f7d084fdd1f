import { describe, expect, test } from "bun:test";
import { RemotingCommandError } from "../../src/index.ts";
import { defaultTopicRoute, masterAddressOf, selectOneMessageQueue, SendQueueIndex, topicRouteDataToPublishInfo, topicRouteDataToSubscribeInfo, type TopicRouteData } from "../../src/rocketmq/index.ts";

const broker = (name: string, addrs: Record<string, string>) => ({ cluster: "c", brokerName: name, brokerAddrs: addrs });
const queueData = (name: string, read: number, write: number, perm = 6) => ({ brokerName: name, readQueueNums: read, writeQueueNums: write, perm, topicSysFlag: 0 });

const route: TopicRouteData = {
  queueDatas: [queueData("broker-c", 2, 2), queueData("broker-a", 3, 2), queueData("broker-b", 2, 2, 4), queueData("broker-d", 1, 1)],
  brokerDatas: [broker("broker-a", { "0": "a:1", "1": "a:2" }), broker("broker-b", { "0": "b:1" }), broker("broker-c", { "1": "c:2" })],
  filterServerTable: {},
};

describe("route to publish info (MQClientInstance.topicRouteData2TopicPublishInfo)", () => {
  test("writable queue datas in broker-name order, only brokers with a master, ids 0..writeQueueNums-1", () => {
    const info = topicRouteDataToPublishInfo("T", route);
    expect(info.orderTopic).toBe(false);
    // broker-b is read-only, broker-c has no master, broker-d has no broker data.
    expect(info.messageQueueList).toEqual([
      { topic: "T", brokerName: "broker-a", queueId: 0 },
      { topic: "T", brokerName: "broker-a", queueId: 1 },
    ]);
    expect(route.queueDatas[0]!.brokerName).toBe("broker-c"); // Java sorts the route's list in place; this does not
  });

  test("orderTopicConf: exactly its queues, no permission or master check", () => {
    const info = topicRouteDataToPublishInfo("T", { ...route, orderTopicConf: "broker-b:2;broker-x:1;" });
    expect(info.orderTopic).toBe(true);
    expect(info.messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`)).toEqual(["broker-b/0", "broker-b/1", "broker-x/0"]);
    // A count beyond int32 is refused as Java's Integer.parseInt refuses it, not looped up to.
    for (const bad of ["broker-b", "broker-b:x", ";broker-b:1", "broker-b:99999999999", "broker-b:1.5"]) expect(() => topicRouteDataToPublishInfo("T", { ...route, orderTopicConf: bad })).toThrow(RemotingCommandError);
  });

  test("subscribe info: every readable queue data, masters or not, each queue once", () => {
    const queues = topicRouteDataToSubscribeInfo("T", { ...route, queueDatas: [...route.queueDatas, queueData("broker-a", 1, 1)] });
    expect(queues.map((q) => `${q.brokerName}/${q.queueId}`)).toEqual(["broker-c/0", "broker-c/1", "broker-a/0", "broker-a/1", "broker-a/2", "broker-b/0", "broker-b/1", "broker-d/0"]);
    expect(topicRouteDataToSubscribeInfo("T", { ...route, queueDatas: [queueData("w", 4, 4, 2)] })).toEqual([]);
  });

  test("TBW102's route for a new topic: queue numbers min(defaultTopicQueueNums, readQueueNums); the route itself untouched", () => {
    const tbw = { ...route, queueDatas: [queueData("broker-a", 8, 8, 7), queueData("broker-b", 2, 8, 7)] };
    expect(defaultTopicRoute(tbw).queueDatas.map((q) => [q.readQueueNums, q.writeQueueNums])).toEqual([[4, 4], [2, 2]]);
    expect(defaultTopicRoute(tbw, 16).queueDatas[0]!.writeQueueNums).toBe(8);
    expect(tbw.queueDatas[0]!.writeQueueNums).toBe(8);
  });

  test("master addresses", () => {
    expect(masterAddressOf(route, "broker-a")).toBe("a:1");
    expect(masterAddressOf(route, "broker-c")).toBeUndefined();
    expect(masterAddressOf(route, "nope")).toBeUndefined();
  });
});

describe("queue selection (TopicPublishInfo.selectOneMessageQueue, ThreadLocalIndex)", () => {
  const queues = ["a", "a", "b", "b", "c"].map((brokerName, i) => ({ topic: "T", brokerName, queueId: i }));

  test("round robin from the index; the index keeps 31 bits when it wraps", () => {
    const index = new SendQueueIndex(0);
    expect([0, 1, 2, 3, 4, 5].map(() => selectOneMessageQueue(queues, index).queueId)).toEqual([1, 2, 3, 4, 0, 1]);
    const wrapping = new SendQueueIndex(0x7ffffffe);
    expect([wrapping.next(), wrapping.next(), wrapping.next()]).toEqual([0x7fffffff, 0, 1]);
    expect(new SendQueueIndex().next()).toBeGreaterThanOrEqual(0);
  });

  test("a retry skips the last broker's queues when it can, and falls back to round robin when it cannot", () => {
    const index = new SendQueueIndex(0); // next positions: 1, 2, 3...
    expect(selectOneMessageQueue(queues, index, "a")).toEqual(queues[2]!); // 1 is broker a: skipped
    const single = queues.filter((q) => q.brokerName === "a");
    expect(selectOneMessageQueue(single, new SendQueueIndex(0), "a").brokerName).toBe("a");
    expect(() => selectOneMessageQueue([], index)).toThrow(TypeError);
  });
});
