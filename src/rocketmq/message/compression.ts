import { CompressionType, MessageSysFlag } from "./message-sys-flag.ts";

/*
 * When a producer compresses (Java's DefaultMQProducerImpl.tryToCompressMessage): a single message
 * whose body has at least compressMsgBodyOverHowmuch bytes (4096), never a batch, with ZLIB at
 * level 5 by default; the send's sysFlag then carries COMPRESSED_FLAG and the type in bits 8-10
 * (769 for ZLIB). The bytes themselves are made by zlib-compression.ts, kept apart so that the codecs
 * stay free of node:zlib.
 */

/** Java's DefaultMQProducer.compressMsgBodyOverHowmuch default. */
export const DEFAULT_COMPRESS_BODY_THRESHOLD = 4096;
/** Java's default rocketmq.message.compressLevel. */
export const DEFAULT_COMPRESS_LEVEL = 5;

/** Whether Java's producer compresses a body of `bodyLength` bytes. */
export function shouldCompressBody(bodyLength: number, options: { batch?: boolean; threshold?: number } = {}): boolean {
  return options.batch !== true && bodyLength >= (options.threshold ?? DEFAULT_COMPRESS_BODY_THRESHOLD);
}

/** The sysFlag bits of a body compressed with `type`: COMPRESSED_FLAG | type << 8 (769 for ZLIB). */
export function compressedSysFlag(type: CompressionType = CompressionType.ZLIB): number {
  return MessageSysFlag.COMPRESSED_FLAG | (type << 8);
}

/**
 * Restores a body stored compressed with `type`. decompressBody (zlib-compression.ts) is the one
 * this library provides; the record decoder takes it as an option so that it imports no zlib.
 */
export type BodyDecompressor = (body: Uint8Array, type: CompressionType) => Uint8Array;
