import { describe, expect, test } from "bun:test";
import { encodeFrame, FrameDecoder, RemotingCommandError } from "../../src/index.ts";
import { parseJsonHeaderFull } from "../../src/protocol/json-header-decode.ts";
import { parseCanonicalJsonHeader } from "../../src/protocol/json-header-canonical.ts";
import { parseJsonHeaderFast } from "../../src/protocol/json-header-fast.ts";
import { HeaderFields } from "../../src/protocol/remoting-command.ts";
import { randomCommand } from "../helpers/commands.ts";
import { Random } from "../helpers/random.ts";
import { rawFrame } from "../helpers/raw-frames.ts";
import { messageVectors } from "../helpers/message-vectors.ts";
import { positiveVectors } from "../helpers/vectors.ts";

/** The header bytes of a whole frame. */
function headerOf(f: Uint8Array): Uint8Array {
  const headerLength = new DataView(f.buffer, f.byteOffset).getInt32(4) & 0xffffff;
  return f.subarray(8, 8 + headerLength);
}

function mutate(rng: Random, input: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(input);
  switch (rng.int(0, 6)) {
    case 0: // flip bits
      for (let i = rng.int(1, 4); i > 0 && bytes.length > 0; i--) bytes[rng.int(0, bytes.length - 1)]! ^= 1 << rng.int(0, 7);
      return bytes;
    case 1: // overwrite bytes with interesting values
      for (let i = rng.int(1, 4); i > 0 && bytes.length > 0; i--) bytes[rng.int(0, bytes.length - 1)] = rng.pick([0, 1, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x7b, 0x7d]);
      return bytes;
    case 2: // truncate
      return bytes.subarray(0, rng.int(0, bytes.length));
    case 3: { // insert random bytes
      const at = rng.int(0, bytes.length);
      const extra = rng.bytes(rng.int(1, 8));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes.subarray(0, at));
      out.set(extra, at);
      out.set(bytes.subarray(at), at + extra.length);
      return out;
    }
    case 4: // tamper with a length field: frame length, header length, or a ROCKETMQ inner length
      if (bytes.length >= 8) {
        const at = rng.pick([0, 4, 5, 6, 7, rng.int(8, Math.max(8, bytes.length - 1))]);
        bytes[at] = rng.pick([0, 1, 0x7f, 0x80, 0xff, rng.int(0, 255)]);
      }
      return bytes;
    case 5: // delete a span
      if (bytes.length > 1) {
        const a = rng.int(0, bytes.length - 1);
        const b = rng.int(a, Math.min(bytes.length, a + 16));
        const out = new Uint8Array(bytes.length - (b - a));
        out.set(bytes.subarray(0, a));
        out.set(bytes.subarray(b), a);
        return out;
      }
      return bytes;
    default: // pure noise
      return rng.bytes(rng.int(0, 64));
  }
}

/** Mutates the header text of a valid frame but keeps the lengths right, to reach deep parser paths. */
function mutateHeader(rng: Random, source: Uint8Array): Uint8Array {
  const header = headerOf(source);
  return rawFrame(source[4]!, mutate(rng, header), source.subarray(8 + header.length)); // correct lengths: the mutated header reaches the parser
}

describe("fuzz: only RemotingCommandError ever escapes the decoder", () => {
  test("300 000 random, mutated and re-framed inputs (seeded)", () => {
    const rng = new Random(0x5eed);
    const seeds = [...positiveVectors.map((v) => v.frame), ...Array.from({ length: 200 }, () => encodeFrame(randomCommand(rng)))];
    const counts = { decoded: 0, rejected: 0 };
    for (let i = 0; i < 300_000; i++) {
      const source = rng.pick(seeds);
      const input = rng.bool(0.5) ? mutate(rng, source) : mutateHeader(rng, source);
      const decoder = new FrameDecoder({ maxFrameLength: rng.pick([64, 4096, 16 * 1024 * 1024]) });
      try {
        // Deliver in random pieces: the same input must fail (or pass) whatever the chunking.
        for (let off = 0; off < input.length; ) {
          const size = rng.int(1, input.length);
          for (const cmd of decoder.push(input.subarray(off, off + size))) {
            counts.decoded++;
            encodeFrame(cmd); // whatever decodes must encode again
          }
          off += size;
        }
      } catch (error) {
        if (!(error instanceof RemotingCommandError)) {
          throw new Error(`input ${i} (${Buffer.from(input).toString("hex")}) raised ${error}`);
        }
        counts.rejected++;
      }
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(decoder.maxFrameLength);
    }
    expect(counts.decoded).toBeGreaterThan(10_000);
    expect(counts.rejected).toBeGreaterThan(10_000);
  });
});

/** Each fast parser, and how many of the (seeded) inputs it must take at least: the Java-shape one takes only Java's shape. */
const FAST_PARSERS = [
  ["any-order", parseJsonHeaderFast, 10_000],
  ["Java-shape", parseCanonicalJsonHeader, 2_000],
] as const;

describe("fuzz: the fast JSON header parsers agree with the JSON.parse fallback", () => {
  test.each(FAST_PARSERS)("%s parser: 200 000 mutated JSON headers, with trailing body bytes after the header", (_name, parse, minAgreed) => {
    const rng = new Random(42);
    const texts = [
      ...positiveVectors.filter((v) => v.command.serializeType === "JSON").map((v) => v.frame),
      ...Array.from({ length: 100 }, () => encodeFrame(randomCommand(rng, { serializeType: "JSON" }))),
    ].map((f) => headerOf(f).slice());
    // Shapes other peers send: another key order, "" remark and {} extFields (Go), whitespace.
    const encoder = new TextEncoder();
    texts.push(
      encoder.encode('{"code":105,"language":"GO","version":317,"opaque":5,"flag":0,"remark":"","extFields":{}}'),
      encoder.encode(' { "code" : 1 , "extFields" : { "a" : "b" , "c" : null } , "remark" : null } '),
    );
    let agreed = 0;
    for (let i = 0; i < 200_000; i++) {
      const header = rng.bool(0.2) ? rng.pick(texts) : mutate(rng, rng.pick(texts));
      const trailing = rng.bytes(rng.int(0, 3));
      const bytes = new Uint8Array(header.length + trailing.length);
      bytes.set(header);
      bytes.set(trailing, header.length);
      const fast = new HeaderFields();
      if (!parse(bytes, 0, header.length, fast)) continue;
      const full = new HeaderFields();
      const text = new TextDecoder().decode(header);
      try {
        parseJsonHeaderFull(bytes, 0, header.length, full);
      } catch (error) {
        throw new Error(`fast parser accepted what JSON.parse rejects: ${text} (${error})`);
      }
      if (!text.includes('"opaque"')) full.opaque = fast.opaque; // both drew a fresh opaque
      expect({ ...fast }).toEqual({ ...full });
      agreed++;
    }
    expect(agreed).toBeGreaterThan(minAgreed);
  });

  test("the shapes real peers send take the fast path", () => {
    const encoder = new TextEncoder();
    const shapes = [
      ...positiveVectors.filter((v) => v.command.serializeType === "JSON").map((v) => headerOf(v.frame)),
      encoder.encode('{"code":105,"language":"GO","version":317,"opaque":5,"flag":0,"remark":"","extFields":{"topic":"T"}}'),
    ];
    for (const shape of shapes) expect(parseJsonHeaderFast(shape, 0, shape.length, new HeaderFields())).toBe(true);
  });

  test("every JSON header the Java 4.9.8 client and broker sent takes the Java-shape path, sends with escaped properties too, and reads as JSON.parse reads it", () => {
    const javaHeaders = messageVectors.filter((v) => v.serializeType === "JSON").map((v) => headerOf(v.frame));
    const escaped = javaHeaders.filter((h) => h.includes(0x5c));
    expect(javaHeaders.length - escaped.length).toBeGreaterThan(20);
    expect(escaped.length).toBeGreaterThan(5); // the sends: "\u0001" and "\u0002" in their properties
    for (const header of javaHeaders) {
      const fast = new HeaderFields();
      expect(parseCanonicalJsonHeader(header, 0, header.length, fast)).toBe(true);
      const full = new HeaderFields();
      parseJsonHeaderFull(header, 0, header.length, full);
      expect({ ...fast }).toEqual({ ...full });
    }
  });

  test("escapes in ext field values: every JSON escape read as JSON.parse reads it; a bad one left to the full parser", () => {
    const encoder = new TextEncoder();
    const header = (value: string) => encoder.encode(`{"code":310,"extFields":{"i":"${value}","b":"T"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":409}`);
    const good = ["\\u0001", "a\\u0001b\\u0002c", "\\\"\\\\\\/\\b\\f\\n\\r\\t", "\\uD83D\\uDE00 é \\ud800", "世\\u754C\\u00e9", "\\uFFFF\\u0000end"];
    for (const value of good) {
      const bytes = header(value);
      const fast = new HeaderFields();
      expect(parseCanonicalJsonHeader(bytes, 0, bytes.length, fast)).toBe(true);
      const full = new HeaderFields();
      parseJsonHeaderFull(bytes, 0, bytes.length, full);
      expect({ ...fast }).toEqual({ ...full });
      expect(fast.extFields!.i).toBe(JSON.parse(`"${value}"`));
    }
    for (const value of ["\\x41", "\\u12", "\\u12G4", "a\\", "\\u00"]) {
      const bytes = header(value);
      expect(parseCanonicalJsonHeader(bytes, 0, bytes.length, new HeaderFields())).toBe(false);
      expect(parseJsonHeaderFast(bytes, 0, bytes.length, new HeaderFields())).toBe(false);
    }
  });
});
