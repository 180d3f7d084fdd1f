import { describe, expect, test } from "bun:test";
import { createRequest, createResponse, decodeFrame, encodeFrame, RemotingCommandError, type CommandInit } from "../../src/index.ts";

const bytesOf = (u8: Uint8Array | null): number[] => (u8 === null ? [] : Array.from(u8));

describe("createRequest / createResponse: body", () => {
  test("a Uint8Array, and so a Buffer, is kept as the same object", () => {
    const u8 = new Uint8Array([1, 2, 3]);
    const buf = Buffer.from([4, 5]);
    expect(createRequest(1, { body: u8 }).body).toBe(u8);
    expect(createResponse(0, null, { body: buf }).body).toBe(buf);
  });

  test("any other ArrayBufferView is exactly its bytes, as a view (no copy)", () => {
    const backing = new ArrayBuffer(16);
    new Uint8Array(backing).set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const u16 = new Uint16Array(backing, 4, 3); // bytes 4..9, high bytes included
    const view = new DataView(backing, 10, 5);
    for (const [input, expected] of [[u16, [4, 5, 6, 7, 8, 9]], [view, [10, 11, 12, 13, 14]]] as const) {
      const body = createRequest(1, { body: input }).body!;
      expect(body).toBeInstanceOf(Uint8Array);
      expect(bytesOf(body)).toEqual([...expected]);
      expect(body.buffer).toBe(backing);
      expect(bytesOf(decodeFrame(encodeFrame(createRequest(1, { body: input }))).body)).toEqual([...expected]);
    }
  });

  test("an ArrayBuffer (shared too) is all of its bytes, as a view", () => {
    const ab = new Uint8Array([9, 8, 7]).buffer;
    expect(createRequest(1, { body: ab }).body!.buffer).toBe(ab);
    expect(bytesOf(createRequest(1, { body: ab }).body)).toEqual([9, 8, 7]);
    const sab = new SharedArrayBuffer(2);
    expect(createRequest(1, { body: sab }).body!.length).toBe(2);
  });

  test("a string is its UTF-8 bytes, not one zero byte per character", () => {
    expect(bytesOf(createRequest(1, { body: "hello" }).body)).toEqual([0x68, 0x65, 0x6c, 0x6c, 0x6f]);
    expect(bytesOf(createRequest(1, { body: "é😀" }).body)).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]);
    expect(bytesOf(createRequest(1, { body: "" }).body)).toEqual([]);
  });

  test("null and undefined are no body", () => {
    expect(createRequest(1, { body: null }).body).toBeNull();
    expect(createRequest(1, { body: undefined }).body).toBeNull();
    expect(createRequest(1, {}).body).toBeNull();
  });

  test("anything else is a TypeError naming the function, the field and what it got", () => {
    const cases: [unknown, string][] = [
      [{}, "object"],
      [true, "boolean"],
      [42, "number"],
      [[1, 2], "object (Array)"],
      [new Map(), "object (Map)"],
      [Symbol("s"), "symbol"],
      [() => 1, "function"],
      [7n, "bigint"],
    ];
    for (const [body, got] of cases) {
      expect(() => createRequest(1, { body } as CommandInit)).toThrow(
        new TypeError(`createRequest: body must be a Uint8Array, ArrayBufferView, ArrayBuffer or string, got ${got}`),
      );
      expect(() => createResponse(1, null, { body } as CommandInit)).toThrow(`createResponse: body must be`);
    }
  });
});

describe("createRequest / createResponse: remark", () => {
  test("a string or null; anything else is a TypeError", () => {
    expect(createRequest(1, { remark: "r" }).remark).toBe("r");
    expect(createRequest(1, { remark: null }).remark).toBeNull();
    expect(createResponse(1, "why").remark).toBe("why");
    expect(createResponse(1, undefined, { remark: "from init" }).remark).toBe("from init");
    expect(() => createRequest(1, { remark: 5 } as unknown as CommandInit)).toThrow(new TypeError("createRequest: remark must be a string or null, got number"));
    expect(() => createResponse(1, {} as unknown as string)).toThrow(new TypeError("createResponse: remark must be a string or null, got object"));
  });
});

describe("createRequest / createResponse: extFields", () => {
  test("an object of strings is kept as the same object", () => {
    const ext = { topic: "T", queueId: "3" };
    expect(createRequest(1, { extFields: ext }).extFields).toBe(ext);
    const bare = Object.assign(Object.create(null) as Record<string, string>, { a: "b" });
    expect(createRequest(1, { extFields: bare }).extFields).toBe(bare);
  });

  test("numbers, bigints and booleans become the strings Java writes; null and undefined are left out; the caller's object is untouched", () => {
    const ext = { s: "x", i: 3, neg: -7, big: 12345678901234567890n, t: true, f: false, d: 0.5, e: 1e21, n: null, u: undefined };
    const cmd = createRequest(1, { extFields: ext as unknown as Record<string, string> });
    expect(cmd.extFields).toEqual({ s: "x", i: "3", neg: "-7", big: "12345678901234567890", t: "true", f: "false", d: "0.5", e: "1.0E21" });
    expect(Object.keys(cmd.extFields!)).toEqual(["s", "i", "neg", "big", "t", "f", "d", "e"]);
    expect(ext.i).toBe(3);
    expect(decodeFrame(encodeFrame(cmd)).extFields).toEqual(cmd.extFields);
  });

  test("a coerced copy keeps an own __proto__ key as a field", () => {
    const ext: Record<string, unknown> = { n: 1 };
    Object.defineProperty(ext, "__proto__", { value: "p", enumerable: true });
    const out = createRequest(1, { extFields: ext as Record<string, string> }).extFields!;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toBe("p");
    expect(out.n).toBe("1");
  });

  test("objects, functions and symbols as values are a TypeError naming the key", () => {
    for (const [value, got] of [[{}, "object"], [[1], "object (Array)"], [() => 0, "function"], [Symbol("s"), "symbol"]] as const) {
      expect(() => createRequest(1, { extFields: { ok: "1", bad: value } as unknown as Record<string, string> })).toThrow(
        new TypeError(`createRequest: extFields.bad must be a string (or a number, bigint or boolean), got ${got}`),
      );
    }
  });

  test("extFields itself must be a plain object", () => {
    for (const [value, got] of [["a=b", "string"], [["x"], "object (Array)"], [new Map([["a", "b"]]), "object (Map)"], [7, "number"]] as const) {
      expect(() => createResponse(0, null, { extFields: value as unknown as Record<string, string> })).toThrow(
        new TypeError(`createResponse: extFields must be a plain object of strings, got ${got}`),
      );
    }
  });

  test("a typed header still becomes strings, and explicit extFields (coerced too) win", () => {
    const cmd = createRequest(10, { header: { topic: "T", queueId: 3 }, extFields: { queueId: 4 } as unknown as Record<string, string> });
    expect(cmd.extFields).toEqual({ topic: "T", queueId: "4" });
  });
});

describe("createRequest / createResponse: the other fields", () => {
  test("code, opaque and version must be numbers, int32 when sent; flag an int32 at once", () => {
    expect(() => createRequest("1" as unknown as number)).toThrow(new TypeError("createRequest: code must be a number (an int32), got string"));
    expect(() => createRequest(1, { version: null as unknown as number })).toThrow("createRequest: version must be a number (an int32), got null");
    expect(() => createResponse(0, null, { opaque: 5n as unknown as number })).toThrow("createResponse: opaque must be a number (an int32), got bigint");
    expect(() => createRequest(1, { flag: 0.5 })).toThrow(new TypeError("createRequest: flag must be an int32, got 0.5"));
    // A number the wire cannot carry is refused when sent, naming the field.
    expect(() => encodeFrame(createRequest(1.5))).toThrow(new RemotingCommandError("cannot encode command: code must be an int32, got 1.5"));
    expect(() => encodeFrame(createResponse(Number.NaN))).toThrow("code must be an int32, got NaN");
    expect(() => encodeFrame(createRequest(1, { opaque: 2 ** 31 }))).toThrow("opaque must be an int32, got 2147483648");
  });

  test("language must be a LanguageCode name and serializeType JSON or ROCKETMQ", () => {
    expect(createRequest(1, { language: "GO" }).language).toBe("GO");
    expect(() => createRequest(1, { language: "KLINGON" })).toThrow(new TypeError('createRequest: language must be a LanguageCode name (JAVA, GO, ...), got "KLINGON"'));
    expect(() => createRequest(1, { language: 0 as unknown as string })).toThrow("language must be a LanguageCode name (JAVA, GO, ...), got number");
    expect(() => createRequest(1, { serializeType: "json" as "JSON" })).toThrow(new TypeError('createRequest: serializeType must be "JSON" or "ROCKETMQ", got "json"'));
  });

  test("init must be an object", () => {
    expect(() => createRequest(1, "x" as unknown as CommandInit)).toThrow(new TypeError("createRequest: init must be an object, got string"));
  });
});
