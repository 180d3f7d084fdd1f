import { describe, expect, test } from "bun:test";
import * as zlib from "node:zlib";
import { RemotingCommandError } from "../../src/index.ts";
import { compressedSysFlag, CompressionType, compressionTypeOf, decompressBody, deflateBody, shouldCompressBody } from "../../src/rocketmq/index.ts";
import { fromHex, vector } from "../helpers/message-vectors.ts";
import { Random } from "../helpers/random.ts";

/** Adler-32 of `b` (RFC 1950), what a zlib stream ends with. */
function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

describe("compression (tryToCompressMessage, ZlibCompressor)", () => {
  test("the rule: single messages of 4096 bytes and more, never batches; a threshold of one's own", () => {
    expect(shouldCompressBody(4095)).toBe(false);
    expect(shouldCompressBody(4096)).toBe(true);
    expect(shouldCompressBody(1 << 20, { batch: true })).toBe(false);
    expect(shouldCompressBody(100, { threshold: 100 })).toBe(true);
  });

  test("sysFlag bits: COMPRESSED | type << 8; the type read back (0 = legacy ZLIB, 4-7 unknown)", () => {
    expect(compressedSysFlag()).toBe(769);
    expect(compressedSysFlag(CompressionType.ZSTD)).toBe(0x201);
    expect([0x1, 0x101, 0x201, 0x301, 0x401, 0x305].map(compressionTypeOf)).toEqual([3, 1, 2, 3, null, 3]);
  });

  test("deflateBody writes a zlib stream (RFC 1950 header, Adler-32 of the original at the end) Java's Inflater reads", () => {
    const original = new TextEncoder().encode(vector("J-SEND-COMPRESSED-REQ").decodesTo.body!.uncompressedUtf8!);
    for (const level of [1, 5, 9]) {
      const z = deflateBody(original, level);
      expect(z[0]).toBe(0x78); // deflate, 32 KiB window
      expect(((z[0]! << 8) | z[1]!) % 31).toBe(0); // FCHECK
      expect(new DataView(z.buffer, z.byteOffset).getUint32(z.length - 4)).toBe(adler32(original));
      expect(decompressBody(z, CompressionType.ZLIB)).toEqual(original);
      expect(z.constructor).toBe(Uint8Array);
    }
  });

  test("Java's own stream (captured) inflates; trailing bytes after the stream are ignored, as Java's InflaterInputStream does", () => {
    const v = vector("R-SEND-COMPRESSED-REQ");
    const java = fromHex(v.decodesTo.body!.hex);
    const withTail = new Uint8Array(java.length + 3);
    withTail.set(java);
    expect(new TextDecoder().decode(decompressBody(withTail, CompressionType.ZLIB))).toBe(v.decodesTo.body!.uncompressedUtf8!);
  });

  test("damaged, truncated or oversized streams, and LZ4, are RemotingCommandErrors", () => {
    const z = deflateBody(new Uint8Array(100_000));
    for (let cut = 0; cut < z.length; cut += 7) expect(() => decompressBody(z.subarray(0, cut), CompressionType.ZLIB)).toThrow(RemotingCommandError);
    expect(() => decompressBody(z, CompressionType.ZLIB, 99_999)).toThrow(RemotingCommandError);
    expect(decompressBody(z, CompressionType.ZLIB, 100_000).length).toBe(100_000);
    expect(() => decompressBody(new Uint8Array([1, 2, 3]), CompressionType.ZLIB)).toThrow(RemotingCommandError);
    expect(() => decompressBody(z, CompressionType.LZ4)).toThrow("LZ4: not supported");
    const r = new Random(7);
    for (let i = 0; i < 200; i++) {
      const garbage = r.bytes(r.int(0, 64));
      try {
        decompressBody(garbage, CompressionType.ZLIB);
      } catch (error) {
        expect(error).toBeInstanceOf(RemotingCommandError);
      }
    }
  });

  test("ZSTD inflates where the runtime's node:zlib has zstd (Bun does)", () => {
    const compress = (zlib as unknown as { zstdCompressSync?: (b: Uint8Array) => Uint8Array }).zstdCompressSync;
    expect(compress).toBeDefined(); // the tests run on Bun
    const original = new TextEncoder().encode("zstd ".repeat(1000));
    expect(decompressBody(compress!(original), CompressionType.ZSTD)).toEqual(original);
    expect(() => decompressBody(new Uint8Array([1, 2, 3, 4]), CompressionType.ZSTD)).toThrow(RemotingCommandError);
  });
});
