import { describe, expect, test } from "bun:test";
import { decodeProperties, decodePropertiesBytes, encodeProperties, joinProperties, messageProperties } from "../../src/rocketmq/index.ts";
import { encodedPropertiesLength } from "../../src/rocketmq/message/properties.ts";
import { javaRules } from "../helpers/java-rules.ts";
import { Random } from "../helpers/random.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const sorted = (m: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));
const bytesDecode = (s: string): Record<string, string> => {
  const b = utf8(s);
  return decodePropertiesBytes(b, 0, b.length);
};

describe("properties string (MessageDecoder.messageProperties2String / string2messageProperties)", () => {
  test("Java's string2messageProperties on edge cases: both decoders give Java's map", () => {
    expect(javaRules.string2messageProperties.length).toBeGreaterThan(20);
    for (const { text, map } of javaRules.string2messageProperties) {
      expect({ text, map: sorted(decodeProperties(text)) }).toEqual({ text, map });
      expect({ text, map: sorted(bytesDecode(text)) }).toEqual({ text, map });
    }
  });

  test("encoding: pairs in the map's order, null and undefined values left out, no trailing separator", () => {
    expect(encodeProperties(new Map([["a", "1"], ["b", null], ["c", "3"]]))).toBe("a\u00011\u0002c\u00013");
    expect(encodeProperties({ x: "1", y: undefined, z: "" })).toBe("x\u00011\u0002z\u0001");
    expect(encodeProperties({})).toBe("");
    expect(encodeProperties(null)).toBe("");
    expect(encodeProperties(undefined)).toBe("");
  });

  test("5.x's trailing separator reads the same; a later duplicate wins; the value keeps later U+0001", () => {
    expect(decodeProperties("a\u00011\u0002b\u00012\u0002")).toEqual({ a: "1", b: "2" });
    expect(decodeProperties("k\u00011\u0002k\u00012")).toEqual({ k: "2" });
    expect(decodeProperties("k\u0001a\u0001b")).toEqual({ k: "a\u0001b" });
  });

  test("an empty value is lost, as in Java (checkMessage refuses blank values before they are sent)", () => {
    expect(decodeProperties(encodeProperties({ a: "", b: "2" }))).toEqual({ b: "2" });
  });

  test("the byte decoder reads a slice of a larger buffer, and non-ASCII names and values", () => {
    const text = "é\u0001ü\u0002世界\u0001😀 x";
    const inner = utf8(text);
    const buffer = new Uint8Array(inner.length + 10);
    buffer.set(inner, 5);
    expect(decodePropertiesBytes(buffer, 5, 5 + inner.length)).toEqual({ é: "ü", 世界: "😀 x" });
  });

  test("any name is just a key: __proto__, constructor, integer-like names", () => {
    const text = "__proto__\u0001x\u0002constructor\u0001y\u00027\u0001z";
    for (const decoded of [decodeProperties(text), bytesDecode(text)]) {
      expect(Object.getPrototypeOf(decoded)).toBeNull();
      expect(Object.keys(decoded).sort()).toEqual(["7", "__proto__", "constructor"]);
      expect(decoded["__proto__"]).toBe("x");
      expect(encodeProperties(decoded).split("\u0002").sort()).toEqual(text.split("\u0002").sort());
    }
  });

  test("a hostile string (thousands of short pieces, one U+0001 at the very end) decodes like Java", () => {
    const text = "abc\u0002".repeat(8000) + "k\u0001v";
    expect(decodeProperties(text)).toEqual({ k: "v" });
    expect(bytesDecode(text)).toEqual({ k: "v" });
  });

  test("round trip: any map without separators and with non-empty values comes back equal (seeded)", () => {
    const r = new Random(0x5eed01);
    for (let run = 0; run < 500; run++) {
      const map = new Map<string, string>();
      for (let i = r.int(0, 8); i > 0; i--) {
        const name = r.string(10).replace(/[\u0001\u0002]/g, "") || "n";
        const value = r.string(20).replace(/[\u0001\u0002]/g, "") || "v";
        map.set(name, value);
      }
      const text = encodeProperties(map);
      expect(encodedPropertiesLength(Object.fromEntries(map))).toBe(encodeProperties(Object.fromEntries(map)).length);
      // Object order: integer-like names first, then the wire's order (the order carries no meaning).
      expect(sorted(decodeProperties(text))).toEqual(sorted(Object.fromEntries(map)));
      expect(sorted(bytesDecode(text))).toEqual(sorted(Object.fromEntries(map)));
    }
  });

  test("the byte decoder and the string decoder agree on random strings full of separators (seeded)", () => {
    const r = new Random(0x5eed02);
    const pieces = ["\u0001", "\u0002", "a", "bc", "é", "世", "😀", " "];
    for (let run = 0; run < 3000; run++) {
      let text = "";
      for (let i = r.int(0, 16); i > 0; i--) text += r.pick(pieces);
      expect(Object.entries(bytesDecode(text))).toEqual(Object.entries(decodeProperties(text)));
    }
  });

  test("joinProperties: the broker's batch append (one separator between, none doubled, none around empties)", () => {
    expect(joinProperties("a\u00011", "b\u00012")).toBe("a\u00011\u0002b\u00012");
    expect(joinProperties("a\u00011\u0002", "b\u00012")).toBe("a\u00011\u0002b\u00012");
    expect(joinProperties("", "b\u00012")).toBe("b\u00012");
    expect(joinProperties("a\u00011", "")).toBe("a\u00011");
  });
});

describe("messageProperties (what Java's Message would hold)", () => {
  test("tags, keys (joined by one space), WAIT (true unless false), DELAY above 0, then user properties", () => {
    const map = messageProperties({ topic: "T", body: utf8("x"), tags: "TagA", keys: ["k1", "k2"], delayTimeLevel: 3, properties: { color: "blue" } });
    expect(Object.entries(map)).toEqual([
      ["TAGS", "TagA"],
      ["KEYS", "k1 k2"],
      ["WAIT", "true"],
      ["DELAY", "3"],
      ["color", "blue"],
    ]);
    expect(messageProperties({ topic: "T", body: utf8("x"), tags: "", keys: "", waitStoreMsgOK: false, delayTimeLevel: 0 })).toEqual({ WAIT: "false" });
    expect(messageProperties({ topic: "T", body: utf8("x"), properties: new Map([["m", "1"]]) }).m).toBe("1");
  });
});
