/**
 * CRC-32 (IEEE, as java.util.zip.CRC32) lookup tables for slicing by 8: TABLES[k * 256 + b] is the
 * CRC of byte b followed by k zero bytes, so eight bytes are folded in per step (a stored message's
 * body is checksummed on every send; byte at a time costs a 1 KiB body about 1 µs).
 */
const TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k * 256 + n] = t[(k - 1) * 256 + n]! >>> 8 ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
  }
  return t;
})();

/**
 * The checksum a broker puts in RegisterBrokerRequestHeader.bodyCrc32 and a name server verifies,
 * and a stored record's BODYCRC: Java's UtilAll.crc32, a CRC-32 with the sign bit cleared (so it
 * fits a positive Java int).
 */
export function bodyCrc32(bytes: Uint8Array): number {
  const t = TABLES;
  let crc = -1;
  let i = 0;
  for (const end8 = bytes.length - 7; i < end8; i += 8) {
    const lo = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t[7 * 256 + (lo & 0xff)]! ^
      t[6 * 256 + ((lo >>> 8) & 0xff)]! ^
      t[5 * 256 + ((lo >>> 16) & 0xff)]! ^
      t[4 * 256 + (lo >>> 24)]! ^
      t[3 * 256 + bytes[i + 4]!]! ^
      t[2 * 256 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) & 0x7fffffff;
}
