import { describe, expect, test } from "bun:test";
import { allocateMessageQueueAveragely, compareMessageQueues, DEFAULT_MESSAGE_DELAY_LEVEL, effectiveDelayLevel, parseDelayLevels, sameMessageQueue, sendBackDelayLevel } from "../../src/rocketmq/index.ts";
import { javaRules } from "../helpers/java-rules.ts";

describe("AllocateMessageQueueAveragely", () => {
  test("the same assignment as Java's class for every 1..20 queues x 1..20 consumers", () => {
    expect(javaRules.allocateMessageQueueAveragely.length).toBe(400);
    for (const { queues, consumers, assignment } of javaRules.allocateMessageQueueAveragely) {
      const mqAll = Array.from({ length: queues }, (_, queueId) => ({ topic: "T", brokerName: "b", queueId }));
      const cidAll = Array.from({ length: consumers }, (_, i) => `c${String.fromCharCode(97 + i)}`);
      const ours = cidAll.map((cid) => allocateMessageQueueAveragely(mqAll, cidAll, cid).map((q) => q.queueId));
      expect({ queues, consumers, ours }).toEqual({ queues, consumers, ours: assignment });
    }
  });

  test("the spec's examples; an id not in the group gets nothing; empty inputs are programming errors", () => {
    const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
    expect(["a", "b", "c"].map((c) => allocateMessageQueueAveragely(ids(8), ["a", "b", "c"], c))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]]);
    expect(["a", "b", "c", "d", "e"].map((c) => allocateMessageQueueAveragely(ids(3), ["a", "b", "c", "d", "e"], c))).toEqual([[0], [1], [2], [], []]);
    expect(allocateMessageQueueAveragely(ids(3), ["a"], "z")).toEqual([]);
    expect(() => allocateMessageQueueAveragely([], ["a"], "a")).toThrow(TypeError);
    expect(() => allocateMessageQueueAveragely(ids(1), [], "a")).toThrow(TypeError);
    expect(() => allocateMessageQueueAveragely(ids(1), ["a"], "")).toThrow(TypeError);
  });

  test("queues sort as Java's MessageQueue.compareTo: topic, broker name (UTF-16 order), queue id", () => {
    const q = (topic: string, brokerName: string, queueId: number) => ({ topic, brokerName, queueId });
    const sorted = [q("T", "b", 10), q("T", "B", 2), q("S", "z", 0), q("T", "b", 9), q("T", "é", 0), q("T", "b", 1)].sort(compareMessageQueues);
    expect(sorted.map((x) => `${x.topic}/${x.brokerName}/${x.queueId}`)).toEqual(["S/z/0", "T/B/2", "T/b/1", "T/b/9", "T/b/10", "T/é/0"]);
    expect(sameMessageQueue(q("T", "b", 1), q("T", "b", 1))).toBe(true);
    expect(sameMessageQueue(q("T", "b", 1), q("T", "b", 2))).toBe(false);
  });
});

describe("delay levels", () => {
  test("the default table: 18 levels, 1s to 2h", () => {
    const levels = parseDelayLevels();
    expect(levels.length).toBe(18);
    expect(levels).toEqual([1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200].map((s) => s * 1000));
    expect(parseDelayLevels(DEFAULT_MESSAGE_DELAY_LEVEL)).toEqual(levels);
    expect(parseDelayLevels("2d 0s")).toEqual([2 * 86_400_000, 0]);
  });

  test("a bad table is a TypeError naming the entry (Java: two spaces make an empty entry)", () => {
    expect(() => parseDelayLevels("1s  5s")).toThrow('delay level 2: "" is not');
    expect(() => parseDelayLevels("1s 5x")).toThrow("delay level 2");
    expect(() => parseDelayLevels("s")).toThrow("delay level 1");
    expect(() => parseDelayLevels("-1s")).toThrow(TypeError);
  });

  test("the broker's clamping, and the send-back level: requested, or 3 + reconsumeTimes", () => {
    expect([0, -1, 1, 18, 19, 99].map((l) => effectiveDelayLevel(l, 18))).toEqual([0, 0, 1, 18, 18, 18]);
    expect(sendBackDelayLevel(0, 0, 18)).toBe(3); // 10 s, the first retry
    expect(sendBackDelayLevel(0, 15, 18)).toBe(18);
    expect(sendBackDelayLevel(0, 20, 18)).toBe(18);
    expect(sendBackDelayLevel(5, 0, 18)).toBe(5);
  });
});
