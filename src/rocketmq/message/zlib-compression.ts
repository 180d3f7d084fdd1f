import * as zlib from "node:zlib";
import { deflateSync, inflateSync } from "node:zlib";
import { RemotingCommandError } from "../../errors.ts";
import { DEFAULT_COMPRESS_LEVEL } from "./compression.ts";
import { CompressionType } from "./message-sys-flag.ts";

/*
 * The compressed bodies themselves, with node:zlib (Bun and Node). Java's ZLIB compressor is
 * java.util.zip.Deflater behind a DeflaterOutputStream: a zlib stream (RFC 1950: 2-byte header,
 * deflate data, Adler-32), which is what deflateSync writes and inflateSync reads. The bytes differ
 * from Java's (another zlib build makes other, equally valid choices), but either side inflates the
 * other's.
 */

/** Inflated bodies larger than this are refused: a small record must not become gigabytes. */
export const DEFAULT_MAX_INFLATED_BODY_BYTES = 64 * 1024 * 1024;

const asUint8Array = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** `body` as a zlib stream at `level` (Java's default 5), what a producer sends with sysFlag 769. */
export function deflateBody(body: Uint8Array, level: number = DEFAULT_COMPRESS_LEVEL): Uint8Array {
  return asUint8Array(deflateSync(body, { level }));
}

type ZstdDecompress = (body: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;
// zstd arrived in node:zlib with Node 22.15; Bun has it. Looked up, not imported, so older Nodes load this module.
const zstdDecompressSync = (zlib as unknown as { zstdDecompressSync?: ZstdDecompress }).zstdDecompressSync;

/**
 * Restores a stored body (a BodyDecompressor): ZLIB always, ZSTD where the runtime's node:zlib has
 * zstd; LZ4 (lz4-java's frame format) is not supported. A damaged stream, or one that inflates
 * beyond `maxOutputLength`, is a RemotingCommandError.
 */
export function decompressBody(body: Uint8Array, type: CompressionType, maxOutputLength = DEFAULT_MAX_INFLATED_BODY_BYTES): Uint8Array {
  try {
    if (type === CompressionType.ZLIB) return asUint8Array(inflateSync(body, { maxOutputLength }));
    if (type === CompressionType.ZSTD && zstdDecompressSync !== undefined) return asUint8Array(zstdDecompressSync(body, { maxOutputLength }));
  } catch (error) {
    throw new RemotingCommandError(`cannot decompress a ${type === CompressionType.ZLIB ? "ZLIB" : "ZSTD"} body of ${body.length} bytes: ${(error as Error).message}`, {
      cause: error,
    });
  }
  throw new RemotingCommandError(`cannot decompress a body compressed with ${type === CompressionType.LZ4 ? "LZ4" : "ZSTD"}: not supported on this runtime`);
}
