/**
 * Bits of a message's sysFlag (Java's MessageSysFlag): header `f` of a send, field SYSFLAG of a
 * stored record.
 */
export const MessageSysFlag = {
  /** The body is compressed; bits 8-10 say with what. */
  COMPRESSED_FLAG: 0x1,
  /** Set by a broker whose topic filter type is MULTI_TAG. */
  MULTI_TAGS_FLAG: 0x2,
  TRANSACTION_NOT_TYPE: 0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  /** The record's born host is IPv6 (16 address bytes instead of 4). */
  BORNHOST_V6_FLAG: 0x10,
  /** The record's store host is IPv6. */
  STOREHOSTADDRESS_V6_FLAG: 0x20,
  NEED_UNWRAP_FLAG: 0x40,
  INNER_BATCH_FLAG: 0x80,
  COMPRESSION_LZ4_TYPE: 0x100,
  COMPRESSION_ZSTD_TYPE: 0x200,
  COMPRESSION_ZLIB_TYPE: 0x300,
  COMPRESSION_TYPE_COMPARATOR: 0x700,
} as const;

/** Compression of a body (Java's CompressionType); the value sits in sysFlag bits 8-10. */
export const CompressionType = { LZ4: 1, ZSTD: 2, ZLIB: 3 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

/** The transaction bits of a sysFlag (getTransactionValue): 0, PREPARED, COMMIT or ROLLBACK. */
export function transactionValue(sysFlag: number): number {
  return sysFlag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

/**
 * The compression of a body whose sysFlag has COMPRESSED_FLAG: 0 (written by clients older than
 * the type bits) means ZLIB, as in Java; 4 to 7 are unknown and give null.
 */
export function compressionTypeOf(sysFlag: number): CompressionType | null {
  const value = (sysFlag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) >> 8;
  if (value === 0) return CompressionType.ZLIB;
  return value <= 3 ? (value as CompressionType) : null;
}
