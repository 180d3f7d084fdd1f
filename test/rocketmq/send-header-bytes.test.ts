import { describe, expect, test } from "bun:test";
import { decodeFrameContent, encodeFrame } from "../../src/protocol/frame-codec.ts";
import { createRequest } from "../../src/protocol/remoting-command.ts";
import { RequestCode } from "../../src/protocol/request-code.ts";
import { readUtf8 } from "../../src/protocol/utf8.ts";
import { readSendHeaderV2Bytes } from "../../src/rocketmq/send-header-bytes.ts";
import { decodeSendMessageRequestHeader } from "../../src/rocketmq/send-headers.ts";
import { Random } from "../helpers/random.ts";
import { int32, rawFrame } from "../helpers/raw-frames.ts";

const encoder = new TextEncoder();

/** A received SEND_MESSAGE_V2 frame whose ROCKETMQ ext fields are exactly `entries`, duplicates and empty values included. */
function received(entries: [string, Uint8Array][], code: number = RequestCode.SEND_MESSAGE_V2) {
  const ext: number[] = [];
  for (const [key, value] of entries) {
    const k = encoder.encode(key);
    ext.push(k.length >> 8, k.length & 0xff, ...k, ...int32(value.length), ...value);
  }
  // code, language (JAVA), version, opaque, flag, remark length 0, then the ext fields
  const header = Uint8Array.of(code >> 8, code & 0xff, 0, 1, 153, ...int32(7), ...int32(0), ...int32(0), ...int32(ext.length), ...ext);
  const frame = rawFrame(1, header, Uint8Array.of(0x68, 0x69));
  return decodeFrameContent(frame, 4, frame.length, true);
}

const usual: [string, string][] = [
  ["a", "group"], ["b", "TopicTest"], ["c", "TBW102"], ["d", "4"], ["e", "2"], ["f", "0"], ["g", "1733390000123"], ["h", "0"],
  ["i", "WAIT\u0001true\u0002UNIQ_KEY\u00017F000001"], ["j", "0"], ["k", "false"], ["l", "16"], ["m", "false"], ["n", "broker-a"],
];

describe("a send's header read straight from the received bytes", () => {
  test("answers the usual header as the generic decoder does, its properties left as bytes", () => {
    const cmd = received(usual.map(([k, v]) => [k, encoder.encode(v)]));
    const raw = readSendHeaderV2Bytes(cmd)!;
    const { properties, ...rest } = decodeSendMessageRequestHeader(cmd);
    expect(raw.header).toEqual(rest);
    expect(readUtf8(raw.bytes, raw.propertiesStart, raw.propertiesEnd)).toBe(properties!);
    expect(rest).toEqual({ producerGroup: "group", topic: "TopicTest", defaultTopic: "TBW102", defaultTopicQueueNums: 4, queueId: 2, sysFlag: 0, bornTimestamp: 1733390000123, flag: 0, reconsumeTimes: 0, unitMode: false, maxReconsumeTimes: 16, batch: false, bname: "broker-a" });
  });

  test("leaves to the generic decoder whatever it has decoded, another code, or a JSON or created command", () => {
    const entries = usual.map(([k, v]): [string, Uint8Array] => [k, encoder.encode(v)]);
    const read = received(entries);
    expect(read.extFields!.b).toBe("TopicTest"); // read once: a hook may have changed them since
    expect(readSendHeaderV2Bytes(read)).toBeNull();
    expect(readSendHeaderV2Bytes(received(entries, RequestCode.SEND_MESSAGE))).toBeNull();
    const json = encodeFrame(createRequest(RequestCode.SEND_MESSAGE_V2, { extFields: Object.fromEntries(usual) }));
    expect(readSendHeaderV2Bytes(decodeFrameContent(json, 4, json.length, true))).toBeNull();
    expect(readSendHeaderV2Bytes(createRequest(RequestCode.SEND_MESSAGE_V2, { extFields: Object.fromEntries(usual), serializeType: "ROCKETMQ" }))).toBeNull();
  });

  test("20 000 random headers: whenever it answers, the generic decoder answers the same", () => {
    const rng = new Random(21);
    const numbers = ["0", "7", "-1", "-0", "+5", "007", "2147483647", "2147483648", "-2147483648", "99999999999", "1733390000123", "999999999999999", "-999999999999999", "9999999999999999", "1e3", " 1", "x", "\u0661"];
    const texts = ["TopicTest", "g", "\u00e9t\u00e9", "true", "TRUE", "tRuE", "false", "yes", "\u0130"];
    const keys = "abcdefghijklmn".split("").concat(["o", "z", "ab", "A", "AccessKey", ""]);
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const entries: [string, Uint8Array][] = [];
      for (const [key, usualValue] of usual) {
        if (rng.bool(0.02)) continue;
        const pick = rng.bool(0.9) ? usualValue : rng.bool(0.5) ? numbers[rng.int(0, numbers.length - 1)]! : texts[rng.int(0, texts.length - 1)]!;
        entries.push([key, encoder.encode(pick)]);
      }
      for (let extra = rng.int(0, 3); extra > 0; extra--) {
        const value = rng.bool(0.1) ? new Uint8Array(0) : rng.bool(0.1) ? Uint8Array.of(0xff, 0x31) : encoder.encode(numbers[rng.int(0, numbers.length - 1)]!);
        entries.splice(rng.int(0, entries.length), 0, [keys[rng.int(0, keys.length - 1)]!, value]);
      }
      const cmd = received(entries);
      const raw = readSendHeaderV2Bytes(cmd);
      let generic;
      try {
        generic = decodeSendMessageRequestHeader(cmd);
      } catch (error) {
        expect({ entries: shown(entries), raw }).toEqual({ entries: shown(entries), raw: null }); // it never answers what the generic decoder refuses
        continue;
      }
      if (raw === null) continue;
      answered++;
      const { properties, ...rest } = generic;
      const rawProperties = raw.propertiesStart < 0 ? undefined : readUtf8(raw.bytes, raw.propertiesStart, raw.propertiesEnd);
      if (!Bun.deepEquals(raw.header, rest, true) || rawProperties !== properties) {
        expect({ entries: shown(entries), header: raw.header, properties: rawProperties }).toEqual({ entries: shown(entries), header: rest, properties });
      }
    }
    expect(answered).toBeGreaterThan(1000); // the byte path is taken, not only refused
  });
});

function shown(entries: [string, Uint8Array][]): string[] {
  return entries.map(([k, v]) => `${k}=${[...v].join(",")}`);
}
