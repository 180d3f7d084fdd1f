import { describe, expect, test } from "bun:test";
import { MQClientError } from "../../src/index.ts";
import { checkConsumerGroup, checkGroup, checkMessage, checkNotAllowedSendTopic, checkProducerGroup, checkTopic, hasIllegalCharacters, type Message } from "../../src/rocketmq/index.ts";

const body = new TextEncoder().encode("x");

/** The MQClientError `f` throws, as [responseCode, message]. */
function refusal(f: () => unknown): [number, string] {
  try {
    f();
  } catch (error) {
    if (!(error instanceof MQClientError)) throw error;
    expect(error.code).toBe("ERR_MQ_CLIENT");
    return [error.responseCode, error.message];
  }
  throw new Error("expected an MQClientError");
}

describe("Validators.checkTopic / checkGroup", () => {
  test("legal characters: ^[%|a-zA-Z0-9_-]+$ only", () => {
    expect(hasIllegalCharacters("%RETRY%g_1-A|b")).toBe(false);
    for (const bad of ["a b", "a.b", "é", "a/b", "a:b", "a\u0000", "ａ"]) expect(hasIllegalCharacters(bad)).toBe(true);
  });

  test("topics: blank, longer than 127, illegal characters; Java's messages", () => {
    expect(refusal(() => checkTopic(""))).toEqual([-1, "The specified topic is blank"]);
    expect(refusal(() => checkTopic(" \t\u2003"))).toEqual([-1, "The specified topic is blank"]);
    expect(() => checkTopic("t".repeat(127))).not.toThrow();
    expect(refusal(() => checkTopic("t".repeat(128)))).toEqual([-1, "The specified topic is longer than topic max length 127."]);
    expect(refusal(() => checkTopic("a b"))).toEqual([-1, "The specified topic[a b] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"]);
    // U+00A0 is not blank for Java (not whitespace), so it is an illegal character instead.
    expect(refusal(() => checkTopic("\u00a0"))[1]).toContain("illegal characters");
  });

  test("topics a client may not send to", () => {
    for (const t of ["SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC", "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT"]) {
      expect(refusal(() => checkNotAllowedSendTopic(t))).toEqual([-1, `Sending message to topic[${t}] is forbidden.`]);
    }
    expect(() => checkNotAllowedSendTopic("TBW102")).not.toThrow();
  });

  test("groups: blank, longer than 255, illegal characters, the default groups", () => {
    expect(refusal(() => checkGroup(" "))).toEqual([-1, "the specified group is blank"]);
    expect(() => checkGroup("g".repeat(255))).not.toThrow();
    expect(refusal(() => checkGroup("g".repeat(256)))).toEqual([-1, "the specified group is longer than group max length 255."]);
    expect(refusal(() => checkGroup("g!"))).toEqual([-1, "the specified group[g!] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"]);
    expect(refusal(() => checkProducerGroup("DEFAULT_PRODUCER"))[1]).toBe("producerGroup can not equal DEFAULT_PRODUCER, please specify another one.");
    expect(refusal(() => checkConsumerGroup("DEFAULT_CONSUMER"))[1]).toBe("consumerGroup can not equal DEFAULT_CONSUMER, please specify another one.");
    expect(() => checkProducerGroup("DEFAULT_CONSUMER")).not.toThrow();
  });
});

describe("Validators.checkMessage", () => {
  const m = (overrides: Partial<Message> = {}): Message => ({ topic: "TopicTest", body, ...overrides });

  test("a message that passes gives back its properties, as the producer sends them (before UNIQ_KEY)", () => {
    const properties = checkMessage(m({ tags: "TagA", keys: ["k1", "k2"], delayTimeLevel: 3, properties: { color: "red" } }));
    expect({ ...properties }).toEqual({ TAGS: "TagA", KEYS: "k1 k2", WAIT: "true", DELAY: "3", color: "red" });
    expect(Object.keys(properties)).toEqual(["TAGS", "KEYS", "WAIT", "DELAY", "color"]);
  });

  test("the body: present, not empty, at most maxMessageSize (MESSAGE_ILLEGAL, 13)", () => {
    expect(refusal(() => checkMessage(null as unknown as Message))).toEqual([13, "CODE: 13  DESC: the message is null"]);
    expect(refusal(() => checkMessage(m({ body: null as unknown as Uint8Array })))).toEqual([13, "CODE: 13  DESC: the message body is null"]);
    expect(refusal(() => checkMessage(m({ body: new Uint8Array(0) })))).toEqual([13, "CODE: 13  DESC: the message body length is zero"]);
    expect(() => checkMessage(m({ body: new Uint8Array(4 * 1024 * 1024) }))).not.toThrow();
    expect(refusal(() => checkMessage(m({ body: new Uint8Array(4 * 1024 * 1024 + 1) })))).toEqual([13, "CODE: 13  DESC: the message body size over max value, MAX: 4194304"]);
    expect(refusal(() => checkMessage(m({ body: new Uint8Array(11) }), { maxMessageSize: 10 }))[0]).toBe(13);
  });

  test("the topic is checked, forbidden topics included", () => {
    expect(refusal(() => checkMessage(m({ topic: "" })))[1]).toBe("The specified topic is blank");
    expect(refusal(() => checkMessage(m({ topic: "SCHEDULE_TOPIC_XXXX" })))[1]).toBe("Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.");
  });

  test("user properties: no reserved name, nothing blank (Java's putUserProperty)", () => {
    expect(refusal(() => checkMessage(m({ properties: { TAGS: "x" } })))).toEqual([-1, "The Property<TAGS> is used by system, input another please"]);
    expect(refusal(() => checkMessage(m({ properties: { UNIQ_KEY: "x" } })))[1]).toContain("UNIQ_KEY");
    expect(refusal(() => checkMessage(m({ properties: { a: " " } })))).toEqual([-1, "The name or value of property can not be null or blank string!"]);
    expect(refusal(() => checkMessage(m({ properties: new Map([[" ", "v"]]) })))[1]).toContain("blank");
    // The transaction bookkeeping names are not reserved in Java.
    expect(() => checkMessage(m({ properties: { TRANSACTION_CHECK_TIMES: "1" } }))).not.toThrow();
  });

  test("beyond Java: U+0001 / U+0002 anywhere in the properties, and properties over 32767 bytes, are refused", () => {
    expect(refusal(() => checkMessage(m({ tags: "a\u0001b" })))[1]).toContain("message.tags contains U+0001 or U+0002");
    expect(refusal(() => checkMessage(m({ keys: ["ok", "b\u0002"] })))[1]).toContain("message.keys");
    expect(refusal(() => checkMessage(m({ properties: { "n\u0002": "v" } })))[1]).toContain('property name "n\u0002"');
    expect(refusal(() => checkMessage(m({ properties: { n: "v\u0001" } })))[1]).toContain("the value of property n");
    // WAIT=true takes 9 bytes, a separator 1, the UNIQ_KEY room 66: the largest value that fits.
    const room = 32767 - 9 - 1 - 66 - 2;
    expect(() => checkMessage(m({ properties: { p: "v".repeat(room) } }))).not.toThrow();
    expect(refusal(() => checkMessage(m({ properties: { p: "v".repeat(room + 1) } })))[0]).toBe(13);
    expect(refusal(() => checkMessage(m({ properties: { p: "é".repeat(room / 2 + 1) } })))[0]).toBe(13);
  });

  test("values of the wrong type are programming errors (TypeError)", () => {
    expect(() => checkMessage(m({ body: "text" as unknown as Uint8Array }))).toThrow(TypeError);
    expect(() => checkMessage(m({ topic: 5 as unknown as string }))).toThrow(TypeError);
    expect(() => checkMessage(m({ flag: 2 ** 31 }))).toThrow(TypeError);
    expect(() => checkMessage(m({ delayTimeLevel: -1 }))).toThrow(TypeError);
    expect(() => checkMessage(m({ delayTimeLevel: 1.5 }))).toThrow(TypeError);
    expect(() => checkMessage(m({ flag: -1, delayTimeLevel: 18, tags: "T", keys: "k1 k2" }))).not.toThrow();
  });
});
