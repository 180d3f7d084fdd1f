import { describe, expect, test } from "bun:test";
import { MQClientError, RemotingCommandError } from "../../src/index.ts";
import { checkBatch, decodeMessageBatch, encodeMessageBatch, prepareMessageBatch, type Message } from "../../src/rocketmq/index.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function refusal(f: () => unknown): MQClientError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(MQClientError);
    return error as MQClientError;
  }
  throw new Error("expected an MQClientError");
}

describe("batch body (MessageBatch.encode / MessageDecoder.decodeMessages)", () => {
  const messages = [
    { body: utf8("one"), flag: 5, properties: new Map([["KEYS", "k1"]]) },
    { body: new Uint8Array(0), properties: {} },
    { body: utf8("three é"), properties: { a: "1", b: "2" } },
  ];

  test("round trip: flags, bodies (views), properties and their raw bytes", () => {
    const body = encodeMessageBatch(messages);
    expect(body.length).toBe(3 * 22 + 3 + 0 + 8 + utf8("KEYS\u0001k1").length + utf8("a\u00011\u0002b\u00012").length);
    const entries = decodeMessageBatch(body);
    expect(entries.map((e) => [e.flag, text(e.body), e.properties, text(e.propertiesBytes)])).toEqual([
      [5, "one", { KEYS: "k1" }, "KEYS\u0001k1"],
      [0, "", {}, ""],
      [0, "three é", { a: "1", b: "2" }, "a\u00011\u0002b\u00012"],
    ]);
    expect(entries[0]!.body.buffer).toBe(body.buffer);
    expect(decodeMessageBatch(new Uint8Array(0))).toEqual([]);
  });

  test("every truncation point is a RemotingCommandError (except the entry boundaries)", () => {
    const body = encodeMessageBatch(messages);
    const boundaries = new Set([0, 22 + 3 + 7, 22 + 3 + 7 + 22, body.length]);
    for (let cut = 0; cut <= body.length; cut++) {
      if (boundaries.has(cut)) expect(() => decodeMessageBatch(body.subarray(0, cut))).not.toThrow();
      else expect(() => decodeMessageBatch(body.subarray(0, cut))).toThrow(RemotingCommandError);
    }
  });

  test("a TOTALSIZE that does not match, negative lengths, properties over 32767 bytes: refused", () => {
    const body = encodeMessageBatch(messages);
    const set = (at: number, v: number, size: 2 | 4): Uint8Array => {
      const copy = body.slice();
      if (size === 4) new DataView(copy.buffer).setInt32(at, v);
      else new DataView(copy.buffer).setInt16(at, v);
      return copy;
    };
    expect(() => decodeMessageBatch(set(0, 99, 4))).toThrow(/TOTALSIZE says 99/);
    expect(() => decodeMessageBatch(set(16, -1, 4))).toThrow(/BODYLEN -1/);
    expect(() => decodeMessageBatch(set(23, -1, 2))).toThrow(/PROPSLEN -1/);
    expect(() => encodeMessageBatch([{ body: utf8("x"), properties: { p: "v".repeat(32767) } }])).toThrow(RemotingCommandError);
  });
});

describe("batch rules (MessageBatch.generateFromList, DefaultMQProducer.batch)", () => {
  const m = (overrides: Partial<Message> = {}): Message => ({ topic: "T", body: utf8("b"), tags: "TagB", ...overrides });

  test("refused, with Java's reasons: empty, mixed topics, retry topic, delay, mixed waitStoreMsgOK", () => {
    expect(refusal(() => checkBatch([])).message).toBe("Failed to initiate the MessageBatch: the batch is empty");
    expect(refusal(() => checkBatch([m(), m({ topic: "U" })])).message).toContain("message 1: The topic of the messages in one batch should be the same");
    expect(refusal(() => checkBatch([m({ topic: "%RETRY%g" })])).message).toContain("Retry Group is not supported for batching");
    expect(refusal(() => checkBatch([m(), m({ delayTimeLevel: 2 })])).message).toContain("message 1: TimeDelayLevel is not supported for batching");
    expect(refusal(() => checkBatch([m(), m({ waitStoreMsgOK: false })])).message).toContain("The waitStoreMsgOK of the messages in one batch should the same");
    expect(() => checkBatch([m(), m({ waitStoreMsgOK: true, delayTimeLevel: 0 })])).not.toThrow();
  });

  test("prepareMessageBatch: each message checked and given its own UNIQ_KEY; the batch's properties are WAIT only", () => {
    let n = 0;
    const batch = prepareMessageBatch([m({ keys: "k1" }), m({ keys: "k2", properties: { p: "2" } })], { nextId: () => `ID${n++}` });
    expect(batch.topic).toBe("T");
    expect(batch.uniqueIds).toEqual(["ID0", "ID1"]);
    expect(batch.properties).toEqual({ WAIT: "true" });
    expect(decodeMessageBatch(batch.body).map((e) => e.properties)).toEqual([
      { TAGS: "TagB", KEYS: "k1", WAIT: "true", UNIQ_KEY: "ID0" },
      { TAGS: "TagB", KEYS: "k2", WAIT: "true", p: "2", UNIQ_KEY: "ID1" },
    ]);
    expect(prepareMessageBatch([m({ waitStoreMsgOK: false })], { nextId: () => "X" }).properties).toEqual({ WAIT: "false" });
  });

  test("prepareMessageBatch: a bad message fails the batch (Java wraps it); the encoded batch is checked against maxMessageSize", () => {
    const inner = refusal(() => prepareMessageBatch([m(), m({ body: new Uint8Array(0) })], { nextId: () => "X" }));
    expect(inner.message).toBe("Failed to initiate the MessageBatch: message 1: CODE: 13  DESC: the message body length is zero");
    expect(inner.responseCode).toBe(-1);
    expect((inner.cause as MQClientError).responseCode).toBe(13);
    const big = refusal(() => prepareMessageBatch([m({ body: new Uint8Array(60) }), m({ body: new Uint8Array(60) })], { nextId: () => "X", maxMessageSize: 100 }));
    expect(big.responseCode).toBe(13);
    expect(big.message).toBe("CODE: 13  DESC: the message body size over max value, MAX: 100");
  });
});
