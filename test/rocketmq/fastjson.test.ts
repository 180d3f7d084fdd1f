import { describe, expect, test } from "bun:test";
import { RemotingCommandError } from "../../src/index.ts";
import { parseFastjson, parseLockBatchRequestBody, quoteBareKeys, stringifyFastjson } from "../../src/rocketmq/index.ts";
import { Random } from "../helpers/random.ts";

/** A random JSON value: nested objects and arrays, keys and strings full of JSON-special characters. */
function randomValue(r: Random, depth: number): unknown {
  const kind = depth <= 0 ? r.int(0, 3) : r.int(0, 5);
  switch (kind) {
    case 0:
      return r.string(12);
    case 1:
      return r.bool(0.5) ? r.int(-1e6, 1e6) : r.next() * 1e6 - 5e5;
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return r.pick(["", "{0:\"x\"}", "a\\", '\\"', "{", ":", ",{1:", "\\\\\""]);
    case 4:
      return Array.from({ length: r.int(0, 4) }, () => randomValue(r, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(0, 4); i > 0; i--) o[r.bool(0.3) ? String(r.int(-5, 99)) : r.string(8)] = randomValue(r, depth - 1);
      return o;
    }
  }
}

/** `value` written the way fastjson writes maps with Long keys: integer-looking keys left bare. */
function bareKeyText(value: unknown, r: Random): string {
  if (Array.isArray(value)) return `[${value.map((v) => bareKeyText(v, r)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const ws = r.pick(["", " ", "\n\t"]);
    const entries = Object.entries(value).map(([k, v]) => `${ws}${/^-?\d+$/.test(k) ? k : JSON.stringify(k)}${ws}:${ws}${bareKeyText(v, r)}`);
    return `{${entries.join(",")}${ws}}`;
  }
  return JSON.stringify(value);
}

describe("quoteBareKeys / parseFastjson", () => {
  test("fastjson's Long-keyed maps (spec 2.8): route data and cluster info with bare broker ids", () => {
    const route = '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"b","cluster":"c"}],"queueDatas":[]}';
    expect(parseFastjson(route)).toEqual({
      brokerDatas: [{ brokerAddrs: { "0": "127.0.0.1:10911", "1": "127.0.0.1:10921" }, brokerName: "b", cluster: "c" }],
      queueDatas: [],
    });
    expect(parseFastjson(new TextEncoder().encode('{"x":{-1:"neg",0:"zero"}}'))).toEqual({ x: { "-1": "neg", "0": "zero" } });
    // pretty output (tabs and newlines) too
    expect(parseFastjson('{\n\t"brokerAddrs":{\n\t\t0:"a:1"\n\t}\n}')).toEqual({ brokerAddrs: { "0": "a:1" } });
  });

  test("string contents are never touched, whatever they look like", () => {
    const text = '{"remark":"{0:\\"x\\"}, [1:2]","k\\\\":{7:"\\\\"},"e":"\\u0041{3:"}';
    expect(parseFastjson(text)).toEqual({ remark: '{0:"x"}, [1:2]', "k\\": { "7": "\\" }, e: "A{3:" });
  });

  test("seeded fuzz: standard JSON comes back unchanged and parses exactly as JSON.parse", () => {
    const r = new Random(0x5eed_2808);
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(r, 4);
      for (const text of [JSON.stringify(value), JSON.stringify(value, null, r.pick([1, "\t"]))]) {
        expect(quoteBareKeys(text)).toBe(text);
        expect(parseFastjson(text)).toEqual(JSON.parse(text));
      }
    }
  });

  test("seeded fuzz: the same values written with bare integer keys parse to the same thing", () => {
    const r = new Random(0xfa57_150e);
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(r, 4);
      const text = bareKeyText(value, r);
      expect(JSON.parse(quoteBareKeys(text))).toEqual(JSON.parse(JSON.stringify(value)));
    }
  });

  test("what is not JSON even with keys quoted fails with a RemotingCommandError showing the text", () => {
    for (const bad of ["{0:}", "not json", '{"a":1', "{a b:1}", ""]) {
      let error: unknown;
      try {
        parseFastjson(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RemotingCommandError);
      expect((error as RemotingCommandError).code).toBe("ERR_REMOTING_COMMAND");
      expect((error as Error).message).toContain("body is not JSON");
    }
  });

  test("bodies nested deeper than 32 levels are refused before parsing; a bad field's value is quoted in at most 80 characters", () => {
    const nested = (depth: number) => `{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
    expect(parseFastjson(nested(32))).toEqual({ a: JSON.parse(`${"[".repeat(31)}${"]".repeat(31)}`) });
    expect(() => parseFastjson(nested(33))).toThrow("nested deeper than 32 levels");
    expect(() => parseFastjson(nested(200_000))).toThrow(RemotingCommandError); // JSON.parse alone took it, then a RangeError in the message
    const huge = new TextEncoder().encode(JSON.stringify({ clientId: "c", consumerGroup: { big: "x".repeat(1_000_000) }, mqSet: [] }));
    const error = (() => {
      try {
        parseLockBatchRequestBody(huge);
      } catch (e) {
        return e as Error;
      }
      throw new Error("parsed");
    })();
    expect(error).toBeInstanceOf(RemotingCommandError);
    expect(error.message.length).toBeLessThan(300);
  });
});

describe("stringifyFastjson", () => {
  test("sorted properties, null and undefined left out, bigint as digits, no whitespace", () => {
    expect(stringifyFastjson({ z: 1, a: "x", n: null, u: undefined, big: 9007199254740993n, list: [1, null, "s"] })).toBe(
      '{"a":"x","big":9007199254740993,"list":[1,null,"s"],"z":1}',
    );
  });

  test("Long-keyed maps named in bareKeyMaps get bare keys, nothing else does", () => {
    const value = { brokerAddrs: { "0": "a:1", "1": "b:2" }, other: { "0": "x" } };
    const text = stringifyFastjson(value, { bareKeyMaps: new Set(["brokerAddrs"]) });
    expect(text).toBe('{"brokerAddrs":{0:"a:1",1:"b:2"},"other":{"0":"x"}}');
    expect(parseFastjson(text)).toEqual(value);
  });
});
