import { describe, expect, test } from "bun:test";
import { decodeCustomHeader, encodeCustomHeader, formatJavaDouble, RemotingCommandError } from "../../src/index.ts";

const schema = {
  topic: "string!",
  queueId: "int",
  offset: "long",
  flag: "boolean",
  ratio: "double",
} as const;

describe("custom headers <-> extFields", () => {
  test("Java's RemotingCommandTest header: values become the strings Java writes", () => {
    const ext = encodeCustomHeader({ topic: "bilibili", queueId: 2333, offset: 23333333n, flag: true, ratio: 0.618 }, schema);
    expect(ext).toEqual({ topic: "bilibili", queueId: "2333", offset: "23333333", flag: "true", ratio: "0.618" });
    const header = decodeCustomHeader(ext, schema);
    expect(header).toEqual({ topic: "bilibili", queueId: 2333, offset: 23333333n, flag: true, ratio: 0.618 });
  });

  test("null and undefined fields are left out; a schema drops fields it does not name", () => {
    expect(encodeCustomHeader({ topic: "t", queueId: null, other: undefined })).toEqual({ topic: "t" });
    expect(encodeCustomHeader({ topic: "t", extra: 1 }, schema)).toEqual({ topic: "t" });
  });

  test("double fields are written as Java's Double.toString", () => {
    expect(encodeCustomHeader({ topic: "t", ratio: 1 }, schema).ratio).toBe("1.0");
    expect([1e10, 1e-5, 0.001, 1234567.5, 1e7, -0, NaN, Infinity, 0.1 + 0.2].map(formatJavaDouble)).toEqual([
      "1.0E10",
      "1.0E-5",
      "0.001",
      "1234567.5",
      "1.0E7",
      "-0.0",
      "NaN",
      "Infinity",
      "0.30000000000000004",
    ]);
  });

  test("booleans parse as Java's Boolean.parseBoolean", () => {
    expect(decodeCustomHeader({ topic: "t", flag: "TRUE" }, schema).flag).toBe(true);
    expect(decodeCustomHeader({ topic: "t", flag: "yes" }, schema).flag).toBe(false);
  });

  test("a missing required field and unparseable values are typed errors naming the field", () => {
    expect(() => decodeCustomHeader({}, schema)).toThrow("the custom field topic is null");
    expect(() => decodeCustomHeader(null, schema)).toThrow(RemotingCommandError);
    expect(() => decodeCustomHeader({ topic: "t", queueId: "3.5" }, schema)).toThrow('queueId: "3.5" is not an int');
    expect(() => decodeCustomHeader({ topic: "t", queueId: "9".repeat(100_000) }, schema)).toThrow(/queueId: "9{79}\.\.\. is not an int$/);
    expect(() => decodeCustomHeader({ topic: "t", queueId: "2147483648" }, schema)).toThrow("not an int");
    // One character: a digit reads as itself, anything else is refused (the short path and the long one agree).
    for (let d = 0; d <= 9; d++) expect(decodeCustomHeader({ topic: "t", queueId: String(d) }, schema).queueId).toBe(d);
    for (const bad of ["x", "-", "+", " ", "/", ":", "\u0663"]) expect(() => decodeCustomHeader({ topic: "t", queueId: bad }, schema)).toThrow("not an int");
    expect(() => decodeCustomHeader({ topic: "t", offset: "9223372036854775808" }, schema)).toThrow("not a long");
    expect(() => decodeCustomHeader({ topic: "t", ratio: "abc" }, schema)).toThrow("not a double");
  });

  test("longs keep full precision as bigint", () => {
    expect(decodeCustomHeader({ topic: "t", offset: "-9223372036854775808" }, schema).offset).toBe(-(2n ** 63n));
  });

  test("values of other types are refused", () => {
    expect(() => encodeCustomHeader({ when: new Date(0) })).toThrow(RemotingCommandError);
  });
});
