import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  decodeFrame,
  encodeFrame,
  isOneway,
  isResponse,
  LanguageCode,
  markOneway,
  RemotingCommandError,
  RemotingSysResponseCode,
  RequestCode,
  ResponseCode,
  SerializeType,
} from "../../src/index.ts";
import { jsonFrame } from "../helpers/raw-frames.ts";
import { fromHex } from "../helpers/vectors.ts";

describe("commands", () => {
  test("createRequest gives fresh, increasing opaques and never the response bit", () => {
    const a = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC);
    const b = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { flag: 1 });
    expect(b.opaque).toBe((a.opaque + 1) | 0);
    expect(isResponse(b)).toBe(false);
    expect(a).toMatchObject({ code: 105, language: "JAVA", version: 479, remark: null, extFields: null, body: null, serializeType: "JSON" });
  });

  test("createResponse sets the response bit, clears oneway, and keeps code and remark", () => {
    const r = createResponse(RemotingSysResponseCode.SYSTEM_BUSY, "busy", { flag: 2 });
    expect(isResponse(r)).toBe(true);
    expect(isOneway(r)).toBe(false);
    expect(r.code).toBe(2);
    expect(r.remark).toBe("busy");
  });

  test("flag helpers", () => {
    const r = createRequest(1);
    markOneway(r);
    expect(isOneway(r)).toBe(true);
    expect(r.flag).toBe(2);
  });

  test("a typed header becomes extFields strings; explicit extFields win", () => {
    const r = createRequest(10, { header: { topic: "T", queueId: 3, offset: 1234567890123n, flag: true, skip: null }, extFields: { topic: "U" } });
    expect(r.extFields).toEqual({ topic: "U", queueId: "3", offset: "1234567890123", flag: "true" });
  });

  test("constants match the spec", () => {
    expect(RemotingSysResponseCode).toEqual({ SUCCESS: 0, SYSTEM_ERROR: 1, SYSTEM_BUSY: 2, REQUEST_CODE_NOT_SUPPORTED: 3, TRANSACTION_FAILED: 4 });
    expect(ResponseCode.GO_AWAY).toBe(1500);
    expect(ResponseCode.TOPIC_NOT_EXIST).toBe(17);
    expect(LanguageCode.NODE_JS).toBe(13);
    expect(RequestCode.POP_MESSAGE).toBe(200050);
    expect(RequestCode.SEND_MESSAGE_V2).toBe(310);
    expect(SerializeType.ROCKETMQ).toBe("ROCKETMQ");
  });
});

describe("what a ROCKETMQ header cannot carry", () => {
  test("a code above 32767 falls back to a JSON header instead of being truncated", () => {
    const frame = encodeFrame(createRequest(RequestCode.POP_MESSAGE, { serializeType: "ROCKETMQ" }));
    expect(frame[4]).toBe(0); // JSON type byte
    const cmd = decodeFrame(frame);
    expect(cmd.code).toBe(200050);
    expect(cmd.serializeType).toBe("JSON");
  });

  test("a version above 32767 also falls back to JSON", () => {
    expect(encodeFrame(createRequest(1, { version: 40000, serializeType: "ROCKETMQ" }))[4]).toBe(0);
  });

  test("negative int16 codes travel in ROCKETMQ and decode signed, as Java's short", () => {
    const frame = encodeFrame(createRequest(-5, { serializeType: "ROCKETMQ" }));
    expect(frame[4]).toBe(1);
    expect(decodeFrame(frame).code).toBe(-5);
  });

  test("a language that has no byte is refused loudly", () => {
    const cmd = createRequest(1, { serializeType: "ROCKETMQ" });
    cmd.language = "KLINGON";
    expect(() => encodeFrame(cmd)).toThrow(RemotingCommandError);
    expect(() => encodeFrame(cmd)).toThrow('language must be a LanguageCode name, got "KLINGON"');
  });

  test("non-int32 numeric fields are refused, never wrapped", () => {
    const cmd = createRequest(1);
    cmd.code = 1.5;
    expect(() => encodeFrame(cmd)).toThrow(RemotingCommandError);
    cmd.code = 1;
    cmd.opaque = 2 ** 31;
    expect(() => encodeFrame(cmd)).toThrow(/opaque must be an int32/);
  });

  test("an unknown ROCKETMQ language byte decodes visibly instead of failing", () => {
    // V1-ROCKETMQ with language byte 99
    const frame = fromHex("000000190100001500" + "0a63000000000000000000000000000000000000");
    expect(decodeFrame(frame).language).toBe("UNKNOWN(99)");
  });
});

describe("lenient JSON decoding, as fastjson", () => {
  test("keys in any order and of any case, unknown keys ignored, numbers as strings", () => {
    const cmd = decodeFrame(jsonFrame('{"OPAQUE":"12","Code":"105","x":[1,{"y":2}],"language":"go","extFields":{"n":7,"b":true,"z":null},"flag":1}'));
    expect(cmd).toMatchObject({ code: 105, opaque: 12, flag: 1, language: "GO", version: 0, remark: null, extFields: { n: "7", b: "true" } });
  });

  test("missing fields take Java's defaults; a missing opaque draws a fresh one", () => {
    const a = decodeFrame(jsonFrame("{}"));
    const b = decodeFrame(jsonFrame("{}"));
    expect(a).toMatchObject({ code: 0, language: "JAVA", version: 0, flag: 0, remark: null, extFields: null });
    expect(b.opaque).not.toBe(a.opaque);
  });

  test("a language ordinal is read as fastjson does, and an impossible one is refused", () => {
    expect(decodeFrame(jsonFrame('{"language":9}')).language).toBe("GO");
    expect(() => decodeFrame(jsonFrame('{"language":99}'))).toThrow(RemotingCommandError);
  });

  test("type errors are RemotingCommandErrors that name the field", () => {
    expect(() => decodeFrame(jsonFrame('{"code":1.5}'))).toThrow('"code" must be an int32');
    expect(() => decodeFrame(jsonFrame('{"code":4294967296}'))).toThrow('"code" must be an int32');
    expect(() => decodeFrame(jsonFrame('{"extFields":[1]}'))).toThrow('"extFields" must be an object');
    expect(() => decodeFrame(jsonFrame("[1]"))).toThrow("expected an object");
    expect(() => decodeFrame(jsonFrame('{"remark":{}}'))).toThrow('"remark" must be a string');
  });

  test("deep nesting is refused before parsing, as a RemotingCommandError, while 32 levels and brackets in strings are fine", () => {
    const nested = (depth: number) => `{"extFields":{"a":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
    expect(decodeFrame(jsonFrame(nested(30))).extFields!.a).toBe(`${"[".repeat(30)}${"]".repeat(30)}`); // 32 with the header and extFields
    expect(() => decodeFrame(jsonFrame(nested(31)))).toThrow("nested deeper than 32 levels");
    const deep = nested(100_000); // JSON.parse takes it; turning it back into text overflowed the stack (a RangeError)
    expect(() => decodeFrame(jsonFrame(deep))).toThrow(RemotingCommandError);
    expect(decodeFrame(jsonFrame(`{"remark":"${"[{".repeat(50)}","code":7}`))).toMatchObject({ code: 7, remark: "[{".repeat(50) });
    expect(decodeFrame(jsonFrame(`{"remark":"\\\"[[[[","code":8}`))).toMatchObject({ code: 8, remark: '"[[[[' });
  });

  test("an error quotes at most 80 characters of a bad value, however large", () => {
    for (const header of [`{"remark":{"x":"${"y".repeat(500_000)}"}}`, `{"code":"${"9".repeat(500_000)}x"}`, `{"extFields":[${"1,".repeat(200_000)}1]}`]) {
      const error = (() => {
        try {
          decodeFrame(jsonFrame(header));
        } catch (e) {
          return e as Error;
        }
        throw new Error("decoded");
      })();
      expect(error).toBeInstanceOf(RemotingCommandError);
      expect(error.message.length).toBeLessThan(200);
    }
  });
});
