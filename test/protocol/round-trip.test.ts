import { describe, expect, test } from "bun:test";
import { createRequest, decodeFrame, encodeFrame, FrameDecoder } from "../../src/index.ts";
import { ByteWriter, encodeFrameInto } from "../../src/protocol/index.ts";
import { expectedAfterRoundTrip, randomCommand } from "../helpers/commands.ts";
import { Random } from "../helpers/random.ts";
import { plain } from "../helpers/vectors.ts";

describe("round trip over random commands", () => {
  test("20 000 commands of both header types survive encode + decode", () => {
    const rng = new Random(7);
    for (let i = 0; i < 20_000; i++) {
      const cmd = randomCommand(rng);
      expect(plain(decodeFrame(encodeFrame(cmd)))).toEqual(plain(expectedAfterRoundTrip(cmd)));
    }
  });

  test("large bodies (up to 4 MiB) travel intact, and the body is copied once into the frame", () => {
    const rng = new Random(8);
    for (const size of [65_536, 1 << 20, 4 << 20]) {
      const body = rng.bytes(size);
      for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
        const frame = encodeFrame(createRequest(10, { body, serializeType }));
        const [cmd] = new FrameDecoder().push(frame);
        expect(cmd!.body!.length).toBe(size);
        expect(Buffer.compare(cmd!.body!, body)).toBe(0);
      }
    }
  });

  test("ROCKETMQ: empty remark and extFields decode to null, JSON keeps them", () => {
    for (const [type, remark, extFields] of [["ROCKETMQ", null, null], ["JSON", "", {}]] as const) {
      const cmd = decodeFrame(encodeFrame(createRequest(1, { remark: "", extFields: {}, serializeType: type })));
      expect(cmd.remark).toEqual(remark);
      expect(cmd.extFields).toEqual(extFields);
    }
  });

  test("encodeFrameInto appends frames to a shared writer, which grows as needed", () => {
    const w = new ByteWriter(16);
    const rng = new Random(9);
    const commands = Array.from({ length: 50 }, () => randomCommand(rng));
    for (const cmd of commands) encodeFrameInto(w, cmd);
    const out = new FrameDecoder().push(w.bytes.subarray(0, w.pos));
    expect(out.map(plain)).toEqual(commands.map((c) => plain(expectedAfterRoundTrip(c))));
  });

  test("a writer whose bytes its user replaced writes into the new bytes, word-sized stores included", () => {
    for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
      const w = new ByteWriter(16);
      encodeFrameInto(w, createRequest(1, { serializeType })); // grown, and its view with it
      const mine = new Uint8Array(new ArrayBuffer(1024), 8, 512); // not at the start of its buffer
      w.bytes = mine;
      w.pos = 0;
      const cmd = createRequest(2, { serializeType, extFields: { k: "v", long: "x".repeat(100) }, remark: "r" });
      encodeFrameInto(w, cmd);
      expect(w.bytes).toBe(mine);
      expect(plain(decodeFrame(mine.slice(0, w.pos)))).toEqual(plain(expectedAfterRoundTrip(cmd)));
      let frames = 1;
      for (; w.bytes === mine; frames++) encodeFrameInto(w, cmd); // until a frame grows the writer, and its view with it
      expect(new FrameDecoder().push(w.bytes.subarray(0, w.pos)).map(plain)).toEqual(Array.from({ length: frames }, () => plain(expectedAfterRoundTrip(cmd))));
    }
  });

  test("a JSON header writes every int as Java does: 0 to 10 999, the digit-count steps, negatives and the int32 ends", () => {
    const values = [...Array.from({ length: 11_000 }, (_, i) => i), 99_999, 100_000, 123_456_789, 2147483647, -1, -9, -10, -9999, -10_000, -2147483648];
    const w = new ByteWriter(64);
    for (const [i, v] of values.entries()) {
      const cmd = createRequest(v, { serializeType: "JSON", version: values[values.length - 1 - i]! });
      cmd.flag = v & 0x7ffffffe; // the response bit clear
      cmd.opaque = v;
      const at = w.pos;
      encodeFrameInto(w, cmd); // frames back to back: each one's leftover digit bytes lie under the next
      const headerLength = (w.bytes[at + 5]! << 16) | (w.bytes[at + 6]! << 8) | w.bytes[at + 7]!;
      const text = new TextDecoder().decode(w.bytes.subarray(at + 8, at + 8 + headerLength));
      expect(text).toBe(`{"code":${v},"flag":${cmd.flag},"language":"JAVA","opaque":${v},"serializeTypeCurrentRPC":"JSON","version":${cmd.version}}`);
    }
    expect(new FrameDecoder().push(w.bytes.subarray(0, w.pos)).map((c) => c.code)).toEqual(values);
  });

  test("a JSON header is fastjson's text whatever the flag, language, remark, ext fields and version, and decodes back", () => {
    // Flags 0-3 have fragments of their own, as do the first 4 versions this process wrote (earlier
    // tests may have taken them all); everything else is written piece by piece.
    const versions = [479, 395, 0, -1, 7, 8, 9, 2147483647];
    let checked = 0;
    for (const flag of [0, 1, 2, 3, 4, 5, 0x7ffffffe, -1, -2147483648]) {
      for (const language of ["JAVA", "GO", "CPP"]) {
        for (const remark of [null, "", 'a "b"']) {
          for (const extFields of [null, {}, { topic: "T", queueId: "3" }]) {
            const version = versions[checked++ % versions.length]!;
            const cmd = createRequest(310, { serializeType: "JSON", language, remark, extFields, version });
            cmd.flag = flag;
            cmd.opaque = flag ^ 0x5a5a;
            const ext = extFields === null ? "" : `,"extFields":${JSON.stringify(extFields)}`;
            const lang = `,"language":${JSON.stringify(language)}`;
            const rem = remark === null ? "" : `,"remark":${JSON.stringify(remark)}`;
            const frame = encodeFrame(cmd);
            const headerLength = (frame[5]! << 16) | (frame[6]! << 8) | frame[7]!;
            expect(new TextDecoder().decode(frame.subarray(8, 8 + headerLength))).toBe(
              `{"code":310${ext},"flag":${flag}${lang},"opaque":${cmd.opaque}${rem},"serializeTypeCurrentRPC":"JSON","version":${version}}`,
            );
            expect(plain(decodeFrame(frame))).toEqual(plain(expectedAfterRoundTrip(cmd)));
          }
        }
      }
    }
  });

  test("a peer-chosen __proto__ ext key stays an own field and never touches the prototype", () => {
    for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
      const ext: Record<string, string> = {};
      Object.defineProperty(ext, "__proto__", { value: "x", enumerable: true });
      const cmd = decodeFrame(encodeFrame(createRequest(1, { extFields: ext, serializeType })));
      expect(Object.getPrototypeOf(cmd.extFields)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(cmd.extFields, "__proto__")?.value).toBe("x");
    }
  });
});

describe("a command that cannot be encoded", () => {
  test("leaves a shared writer exactly as it was", () => {
    const w = new ByteWriter(64);
    encodeFrameInto(w, createRequest(1, { body: new Uint8Array([1, 2]) }));
    const before = w.pos;
    const bad = createRequest(2, { serializeType: "ROCKETMQ", extFields: { k: "v".repeat(500) } });
    bad.language = "NOPE";
    expect(() => encodeFrameInto(w, bad)).toThrow("NOPE");
    const badValue = createRequest(3, { extFields: { a: "v".repeat(500), k: "x" } });
    badValue.extFields!.k = {} as unknown as string;
    expect(() => encodeFrameInto(w, badValue)).toThrow("extFields.k");
    expect(w.pos).toBe(before);
    encodeFrameInto(w, createRequest(4));
    expect(new FrameDecoder().push(w.bytes.subarray(0, w.pos)).map((c) => c.code)).toEqual([1, 4]);
  });
});
