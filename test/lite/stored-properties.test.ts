import { describe, expect, test } from "bun:test";
import { storedSingleProperties } from "../../src/lite/stored-properties.ts";
import { decodeProperties, encodeProperties } from "../../src/rocketmq/message/properties.ts";
import { Random } from "../helpers/random.ts";

/** What the broker stores for a single send's properties the long way: decoded, WAIT dropped, CLUSTER set, encoded. */
function objectPath(sent: string, cluster: string): { text: string; tags: string | undefined } {
  const properties = decodeProperties(sent);
  delete properties.WAIT;
  properties.CLUSTER = cluster;
  return { text: encodeProperties(properties), tags: properties.TAGS };
}

describe("a single send's stored properties, worked out on the string", () => {
  test("a producer's usual properties: WAIT dropped, CLUSTER last, TAGS read", () => {
    const sent = "KEYS\u0001order-1 order-2\u0002UNIQ_KEY\u00017F00000142A418B4AAC2A8B0F2B40000\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002color\u0001a\u0001b";
    const fast = storedSingleProperties(sent, "DefaultCluster")!;
    expect(fast.text).toBe("KEYS\u0001order-1 order-2\u0002UNIQ_KEY\u00017F00000142A418B4AAC2A8B0F2B40000\u0002TAGS\u0001TagA\u0002color\u0001a\u0001b\u0002CLUSTER\u0001DefaultCluster");
    expect(fast).toEqual(expect.objectContaining(objectPath(sent, "DefaultCluster")));
    expect(fast.tags).toBe("TagA");
    expect(storedSingleProperties("", "c")!.text).toBe("CLUSTER\u0001c");
    expect(storedSingleProperties("WAIT\u0001true\u0002", "c")!.text).toBe("CLUSTER\u0001c"); // 5.x's trailing separator
  });

  test("what only the object path gets right goes there", () => {
    for (const sent of [
      "a\u00011\u0002a\u00012", // a name twice: the later value wins, in the first one's place
      "10\u0001x\u0002b\u0001y", // a name of digits: an object puts it first
      "CLUSTER\u0001mine\u0002b\u0001y", // CLUSTER keeps its place
      "DELAY\u00013", // parked first
      "a\u0001\u0002b\u0001y", // an empty value: the pair is dropped
      "\u0001x", // an empty name
      "ab\u0002c\u0001d", // a piece without a pair
      "a\u00011\u0002\u0002b\u00012", // an empty piece
    ]) {
      expect(storedSingleProperties(sent, "c")).toBeNull();
    }
  });

  test("200 000 random strings: whenever it answers, it answers as the object path does", () => {
    const rng = new Random(11);
    const names = ["TAGS", "WAIT", "KEYS", "UNIQ_KEY", "CLUSTER", "DELAY", "a", "b", "ab", "7", "07", "tag", "\u00e9t\u00e9", "__proto__", "constructor"];
    const chars = ["x", "1", "\u0001", "\u0002", " ", "\u00e9", "\ud83d\ude00"];
    let answered = 0;
    for (let i = 0; i < 200_000; i++) {
      let sent = "";
      for (let pairs = rng.int(0, 6); pairs > 0; pairs--) {
        if (sent !== "" || rng.bool(0.05)) sent += "\u0002";
        sent += rng.bool(0.9) ? names[rng.int(0, names.length - 1)]! : "";
        if (rng.bool(0.95)) sent += "\u0001";
        for (let n = rng.int(0, 4); n > 0; n--) sent += rng.bool(0.8) ? "v" : chars[rng.int(0, chars.length - 1)]!;
      }
      if (rng.bool(0.05)) sent += "\u0002";
      const fast = storedSingleProperties(sent, "Cluster-1");
      if (fast === null) continue;
      answered++;
      const slow = objectPath(sent, "Cluster-1");
      if (fast.text !== slow.text || fast.tags !== slow.tags) expect({ sent, text: fast.text, tags: fast.tags }).toEqual({ sent, ...slow });
    }
    expect(answered).toBeGreaterThan(30_000); // the fast path is taken, not only refused (48 458 with this seed)
  });
});
