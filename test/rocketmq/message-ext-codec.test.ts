import { describe, expect, test } from "bun:test";
import { RemotingCommandError } from "../../src/index.ts";
import { bodyCrc32, compressedSysFlag, decodeMessageExts, decompressBody, deflateBody, encodeMessageExt, MESSAGE_MAGIC_CODE_V2, MessageSysFlag, type MessageExt, type MessageExtInit } from "../../src/rocketmq/index.ts";
import { vector } from "../helpers/message-vectors.ts";
import { Random } from "../helpers/random.ts";
import { concatBytes } from "../../src/protocol/byte-writer.ts";
import { encodeProperties } from "../../src/rocketmq/message/properties.ts";
import { messageExtMaxSize, writeMessageExt } from "../../src/rocketmq/message/message-ext-codec.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function init(overrides: Partial<MessageExtInit> = {}): MessageExtInit {
  return {
    topic: "TopicTest",
    body: utf8("hello"),
    properties: new Map([
      ["TAGS", "TagA"],
      ["KEYS", "k1 k2"],
      ["UNIQ_KEY", "0A00000530391B6D35860A1B2C3D0007"],
    ]),
    flag: 7,
    queueId: 3,
    queueOffset: 42,
    commitLogOffset: 123456,
    sysFlag: 0,
    bornTimestamp: 1700000000000,
    bornHost: "10.0.0.5:53000",
    storeTimestamp: 1700000000123,
    storeHost: "10.0.0.9:10911",
    reconsumeTimes: 2,
    preparedTransactionOffset: 0,
    ...overrides,
  };
}


function fields(m: MessageExt): Record<string, unknown> {
  return {
    topic: m.topic,
    body: text(m.body),
    properties: { ...m.properties },
    tags: m.tags,
    keys: m.keys,
    flag: m.flag,
    msgId: m.msgId,
    offsetMsgId: m.offsetMsgId,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    reconsumeTimes: m.reconsumeTimes,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost,
    storeTimestamp: m.storeTimestamp,
    storeHost: m.storeHost,
    sysFlag: m.sysFlag,
    bodyCRC: m.bodyCRC,
    storeSize: m.storeSize,
    preparedTransactionOffset: m.preparedTransactionOffset,
    transactionId: m.transactionId,
  };
}

describe("MessageExt records (spec 4.7)", () => {
  test("encode then decode: every field back, the CRC computed, the layout's length 91 + body + topic + properties", () => {
    const record = encodeMessageExt(init());
    const propsLength = utf8("TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002UNIQ_KEY\u00010A00000530391B6D35860A1B2C3D0007").length;
    expect(record.length).toBe(91 + 5 + 9 + propsLength);
    const [m] = decodeMessageExts(record);
    expect(fields(m!)).toEqual({
      topic: "TopicTest",
      body: "hello",
      properties: { TAGS: "TagA", KEYS: "k1 k2", UNIQ_KEY: "0A00000530391B6D35860A1B2C3D0007" },
      tags: "TagA",
      keys: "k1 k2",
      flag: 7,
      msgId: "0A00000530391B6D35860A1B2C3D0007",
      offsetMsgId: "0A00000900002A9F000000000001E240",
      queueId: 3,
      queueOffset: 42,
      commitLogOffset: 123456,
      reconsumeTimes: 2,
      bornTimestamp: 1700000000000,
      bornHost: "10.0.0.5:53000",
      storeTimestamp: 1700000000123,
      storeHost: "10.0.0.9:10911",
      sysFlag: 0,
      bodyCRC: bodyCrc32(utf8("hello")),
      storeSize: record.length,
      preparedTransactionOffset: 0,
      transactionId: undefined,
    });
  });

  test("IPv6 hosts: the V6 sysFlag bits are set from the addresses, 12 more bytes each, a 56-digit offset id", () => {
    const record = encodeMessageExt(init({ bornHost: "[fd00::2]:40000", storeHost: "[2001:db8::9]:10911", sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }));
    expect(record.length).toBe(encodeMessageExt(init()).length + 24);
    const [m] = decodeMessageExts(record);
    expect(m!.sysFlag).toBe(MessageSysFlag.TRANSACTION_PREPARED_TYPE | MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
    expect(m!.bornHost).toBe("[fd00::2]:40000");
    expect(m!.storeHost).toBe("[2001:db8::9]:10911");
    expect(m!.offsetMsgId).toBe("20010DB8000000000000000000000009" + "00002A9F" + "000000000001E240");
    // IPv4 addresses clear stale V6 bits; an IPv4-mapped address is stored as IPv4, as Java does.
    const v4 = decodeMessageExts(encodeMessageExt(init({ bornHost: "[::ffff:10.0.0.5]:1", sysFlag: MessageSysFlag.BORNHOST_V6_FLAG })))[0]!;
    expect(v4.sysFlag).toBe(0);
    expect(v4.bornHost).toBe("10.0.0.5:1");
  });

  test("bodies are views into the received bytes; an empty body is empty; no UNIQ_KEY: msgId is the offset id", () => {
    const bytes = concatBytes([encodeMessageExt(init({ properties: {} })), encodeMessageExt(init({ body: new Uint8Array(0), commitLogOffset: 999 }))]);
    const frame = new Uint8Array(bytes.length + 16);
    frame.set(bytes, 16);
    const [a, b] = decodeMessageExts(frame.subarray(16));
    expect(a!.body.buffer).toBe(frame.buffer);
    expect(a!.body.byteOffset).toBe(16 + 88);
    expect(a!.msgId).toBe(a!.offsetMsgId);
    expect(Object.keys(a!.properties)).toEqual([]);
    expect(b!.body.length).toBe(0);
    expect(b!.commitLogOffset).toBe(999);
  });

  test("compressed bodies are inflated with the decompress option; without it the record is refused", () => {
    const original = utf8("line of text\n".repeat(500));
    const stored = deflateBody(original);
    const record = encodeMessageExt(init({ body: stored, sysFlag: compressedSysFlag() }));
    const [m] = decodeMessageExts(record, { decompress: decompressBody });
    expect(text(m!.body)).toBe(text(original));
    expect(m!.bodyCRC).toBe(bodyCrc32(stored)); // over the stored bytes, as the broker computes it
    expect(() => decodeMessageExts(record)).toThrow(/no decompress option/);
    // Type 0 (clients older than the type bits) means ZLIB, as in Java; types 4-7 are unknown.
    expect(text(decodeMessageExts(encodeMessageExt(init({ body: stored, sysFlag: 1 })), { decompress: decompressBody })[0]!.body)).toBe(text(original));
    expect(() => decodeMessageExts(encodeMessageExt(init({ body: stored, sysFlag: 0x401 })), { decompress: decompressBody })).toThrow(/unknown compression type 4/);
    // A decompressor that throws something else still ends as a RemotingCommandError.
    expect(() => decodeMessageExts(record, { decompress: () => { throw new Error("boom"); } })).toThrow(RemotingCommandError);
  });

  test("brokerName and transactionId (UNIQ_KEY of a TRAN_MSG=true message), as Java's processPullResult sets them", () => {
    const record = encodeMessageExt(init({ properties: { TRAN_MSG: "true", UNIQ_KEY: "ABCDEF" } }));
    const [m] = decodeMessageExts(record, { brokerName: "broker-b" });
    expect(m!.brokerName).toBe("broker-b");
    expect(m!.transactionId).toBe("ABCDEF");
  });

  test("a 5.x V2 record (magic 0xDAA320AB, 2-byte topic length) decodes too", () => {
    const v1 = encodeMessageExt(init());
    const topicAt = 88 + 5;
    const v2 = new Uint8Array(v1.length + 1);
    v2.set(v1.subarray(0, topicAt));
    new DataView(v2.buffer).setInt32(0, v2.length);
    new DataView(v2.buffer).setInt32(4, MESSAGE_MAGIC_CODE_V2);
    new DataView(v2.buffer).setInt16(topicAt, 9);
    v2.set(v1.subarray(topicAt + 1), topicAt + 2);
    expect(fields(decodeMessageExts(v2)[0]!)).toEqual({ ...fields(decodeMessageExts(v1)[0]!), storeSize: v2.length });
  });

  test("what a record cannot hold is refused: a topic over 127 bytes, properties over 32767 bytes, a bad host", () => {
    expect(() => encodeMessageExt(init({ topic: "t".repeat(128) }))).toThrow(RemotingCommandError);
    expect(() => encodeMessageExt(init({ properties: "x".repeat(32768) }))).toThrow(RemotingCommandError);
    expect(() => encodeMessageExt(init({ bornHost: "nowhere" }))).toThrow(RemotingCommandError);
    expect(() => encodeMessageExt(init({ queueOffset: 2 ** 53 }))).toThrow(TypeError);
    // Properties may be given as an encoded string or its bytes.
    const fromBytes = decodeMessageExts(encodeMessageExt(init({ properties: utf8("a\u00011") })))[0]!;
    expect(fromBytes.properties).toEqual({ a: "1" });
  });

  test("writeMessageExt writes encodeMessageExt's bytes in place, within the room messageExtMaxSize asks for, and nothing around them", () => {
    const rng = new Random(31);
    const shapes: Partial<MessageExtInit>[] = [{}, { topic: "主题-é", properties: "键\u0001值 \u{1F600}\u0002TAGS\u0001ü" }, { bornHost: "[fd00::2]:40000", storeHost: "[2001:db8::9]:10911" }, { properties: utf8("a\u00011"), body: new Uint8Array(0) }];
    for (const shape of shapes) {
      const given = init(shape);
      const record = { ...given, properties: typeof given.properties === "string" || given.properties instanceof Uint8Array ? given.properties : encodeProperties(given.properties) };
      const expected = encodeMessageExt(given);
      const room = messageExtMaxSize(record);
      expect(room).toBeGreaterThanOrEqual(expected.length);
      const at = rng.int(0, 9);
      const out = new Uint8Array(at + room + 4).fill(0xee);
      expect(writeMessageExt(out, at, record)).toBe(expected.length);
      expect([...out.subarray(at, at + expected.length)]).toEqual([...expected]);
      expect(out.subarray(0, at).every((b) => b === 0xee) && out.subarray(at + expected.length).every((b) => b === 0xee)).toBe(true);
    }
  });

  test("non-ASCII topics and properties take their UTF-8 length, within the byte limits", () => {
    const m = decodeMessageExts(encodeMessageExt(init({ topic: "主题-é", properties: { 键: "值 \u{1F600}", TAGS: "ü" } })))[0]!;
    expect([m.topic, m.properties]).toEqual(["主题-é", { 键: "值 \u{1F600}", TAGS: "ü" }]);
    expect(decodeMessageExts(encodeMessageExt(init({ topic: "é".repeat(63) + "a" })))[0]!.topic).toBe("é".repeat(63) + "a"); // 127 bytes
    expect(() => encodeMessageExt(init({ topic: "é".repeat(64) }))).toThrow(/128 bytes/);
    expect(() => encodeMessageExt(init({ properties: { k: "é".repeat(16384) } }))).toThrow(/32770 bytes/);
  });

  test("a long beyond 2^53 in a record is a RemotingCommandError naming the field", () => {
    const record = encodeMessageExt(init());
    new DataView(record.buffer).setInt32(28, 0x7fffffff); // PHYSICALOFFSET's high word
    expect(() => decodeMessageExts(record)).toThrow(/PHYSICALOFFSET/);
  });
});

describe("damaged bodies", () => {
  const body = concatBytes([encodeMessageExt(init()), encodeMessageExt(init({ bornHost: "[::1]:1", body: utf8("second") })), encodeMessageExt(init({ topic: "T3" }))]);
  const ends = decodeMessageExts(body).reduce<number[]>((acc, m) => [...acc, (acc.at(-1) ?? 0) + m.storeSize], []);

  test("every truncation point: complete records only; a cut record is a RemotingCommandError, or the stop point with onCorruptRecord 'stop'", () => {
    for (let cut = 0; cut <= body.length; cut++) {
      const complete = ends.filter((end) => end <= cut).length;
      const prefix = body.subarray(0, cut);
      if (ends.includes(cut) || cut === 0) expect(decodeMessageExts(prefix).length).toBe(complete);
      else expect(() => decodeMessageExts(prefix)).toThrow(RemotingCommandError);
      expect(decodeMessageExts(prefix, { onCorruptRecord: "stop" }).length).toBe(complete);
    }
  });

  test("a TOTALSIZE that does not match the fields, negative lengths: refused by name", () => {
    const broken = (at: number, value: number, size: 1 | 2 | 4): Uint8Array => {
      const copy = body.slice();
      const view = new DataView(copy.buffer);
      if (size === 4) view.setInt32(at, value);
      else if (size === 2) view.setInt16(at, value);
      else view.setInt8(at, value);
      return copy;
    };
    expect(() => decodeMessageExts(broken(0, ends[0]! + 1, 4))).toThrow(/TOTALSIZE/);
    expect(() => decodeMessageExts(broken(84, -1, 4))).toThrow(/BODYLEN -1/);
    expect(() => decodeMessageExts(broken(88 + 5, -3, 1))).toThrow(/TOPICLEN -3/);
    expect(() => decodeMessageExts(broken(88 + 5 + 1 + 9, -2, 2))).toThrow(/PROPSLEN -2/);
    expect(() => decodeMessageExts(broken(0, -5, 4))).toThrow(/TOTALSIZE -5/);
    // With "stop", the records before the damaged one come back, as from Java's MessageDecoder.decodes.
    expect(decodeMessageExts(broken(ends[1]! + 84, -1, 4), { onCorruptRecord: "stop" }).length).toBe(2);
  });

  test("seeded fuzz: mutated and random bodies end in messages or a RemotingCommandError, never anything else", () => {
    const java = vector("J-PULL-FOUND-RSP").command.body!;
    const r = new Random(0xfeed);
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < 3000; i++) {
      const source = r.bool() ? java : body;
      const copy = source.slice(0, r.int(0, source.length));
      for (let k = r.int(1, 6); k > 0 && copy.length > 0; k--) copy[r.int(0, copy.length - 1)] = r.int(0, 255);
      inputs.push(copy);
      inputs.push(r.bytes(r.int(0, 300)));
    }
    let decoded = 0;
    let refused = 0;
    for (const input of inputs) {
      for (const onCorruptRecord of ["throw", "stop"] as const) {
        try {
          for (const m of decodeMessageExts(input, { decompress: decompressBody, onCorruptRecord })) {
            // Reading every lazy field must not throw either.
            void [m.body.length, m.bornHost, m.storeHost, m.offsetMsgId, m.msgId, m.tags, m.transactionId];
            decoded++;
          }
        } catch (error) {
          expect(error).toBeInstanceOf(RemotingCommandError);
          expect(onCorruptRecord).toBe("throw");
          refused++;
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
