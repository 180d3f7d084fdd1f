import { describe, expect, test } from "bun:test";
import { storedPropertiesOfBytes, storedSingleProperties, type StoredProperties } from "../../src/lite/stored-properties.ts";
import { decodeProperties, encodeProperties } from "../../src/rocketmq/message/properties.ts";
import { Random } from "../helpers/random.ts";

/** What the broker stores for a single send's properties the long way: decoded, WAIT dropped, CLUSTER set, encoded. */
function objectPath(sent: string, cluster: string): { text: string; tags: string | undefined } {
  const properties = decodeProperties(sent);
  delete properties.WAIT;
  properties.CLUSTER = cluster;
  return { text: encodeProperties(properties), tags: properties.TAGS };
}

/** The stored properties as text, and the tags: what the object path gives. */
function textOf(stored: StoredProperties): { text: string; tags: string | undefined } {
  return { text: new TextDecoder().decode(stored.bytes), tags: stored.tags };
}

describe("a single send's stored properties, worked out on the string", () => {
  test("a producer's usual properties: WAIT dropped, CLUSTER last, TAGS read", () => {
    const sent = "KEYS\u0001order-1 order-2\u0002UNIQ_KEY\u00017F00000142A418B4AAC2A8B0F2B40000\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002color\u0001a\u0001b";
    const fast = storedSingleProperties(sent, "DefaultCluster")!;
    expect(textOf(fast).text).toBe("KEYS\u0001order-1 order-2\u0002UNIQ_KEY\u00017F00000142A418B4AAC2A8B0F2B40000\u0002TAGS\u0001TagA\u0002color\u0001a\u0001b\u0002CLUSTER\u0001DefaultCluster");
    expect(textOf(fast)).toEqual(objectPath(sent, "DefaultCluster"));
    expect(fast.tags).toBe("TagA");
    expect(textOf(storedSingleProperties("", "c")!).text).toBe("CLUSTER\u0001c");
    expect(textOf(storedSingleProperties("WAIT\u0001true\u0002", "c")!).text).toBe("CLUSTER\u0001c"); // 5.x's trailing separator
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
      const { text, tags } = textOf(fast);
      if (text !== slow.text || tags !== slow.tags) expect({ sent, text, tags }).toEqual({ sent, ...slow });
    }
    expect(answered).toBeGreaterThan(30_000); // the fast path is taken, not only refused (48 458 with this seed)
  });
});

describe("a single send's stored properties, worked out on the received bytes", () => {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  test("the producer's usual properties, in the middle of a received chunk", () => {
    const sent = encoder.encode("WAIT\u0001true\u0002UNIQ_KEY\u00017F00000142A418B4AAC2A8B0F2B40000\u0002TAGS\u0001TagA");
    const chunk = new Uint8Array(sent.length + 20).fill(0x02);
    chunk.set(sent, 7);
    const stored = storedPropertiesOfBytes(chunk, 7, 7 + sent.length, "DefaultCluster")!;
    expect(decoder.decode(stored.bytes)).toBe("UNIQ_KEY\u00017F00000142A418B4AAC2A8B0F2B40000\u0002TAGS\u0001TagA\u0002CLUSTER\u0001DefaultCluster");
    expect(stored.tags).toBe("TagA");
  });

  test("200 000 random byte strings, invalid UTF-8 included: whenever it answers, it stores the bytes the object path stores", () => {
    const rng = new Random(12);
    const names = ["TAGS", "WAIT", "KEYS", "UNIQ_KEY", "CLUSTER", "DELAY", "a", "b", "7", "\u00e9t\u00e9"].map((n) => [...encoder.encode(n)]);
    names.push([0xff], [0xfe], [0xc3], [0xef, 0xbf, 0xbd]); // invalid bytes decode to U+FFFD, as the last one is
    const values = [[0x78], [0x31], [0x01], [0x02], [0xc3, 0xa9], [0xc3], [0xff], [0xf0, 0x9f, 0x98, 0x80]];
    let answered = 0;
    for (let i = 0; i < 200_000; i++) {
      const bytes: number[] = [];
      for (let pairs = rng.int(0, 6); pairs > 0; pairs--) {
        if (bytes.length > 0 || rng.bool(0.05)) bytes.push(0x02);
        if (rng.bool(0.9)) bytes.push(...names[rng.int(0, names.length - 1)]!);
        if (rng.bool(0.95)) bytes.push(0x01);
        for (let n = rng.int(0, 4); n > 0; n--) bytes.push(...(rng.bool(0.8) ? [0x76] : values[rng.int(0, values.length - 1)]!));
      }
      if (rng.bool(0.05)) bytes.push(0x02);
      const chunk = Uint8Array.of(0x41, ...bytes, 0x42);
      const fast = storedPropertiesOfBytes(chunk, 1, chunk.length - 1, "Cluster-1");
      if (fast === null) continue;
      answered++;
      const slow = objectPath(decoder.decode(Uint8Array.from(bytes)), "Cluster-1");
      const expected = encoder.encode(slow.text);
      if (fast.tags !== slow.tags || Buffer.compare(fast.bytes, expected) !== 0) {
        expect({ bytes, stored: [...fast.bytes], tags: fast.tags }).toEqual({ bytes, stored: [...expected], tags: slow.tags });
      }
    }
    expect(answered).toBeGreaterThan(30_000); // the fast path is taken, not only refused
  });
});
