/** CRC-32 (IEEE, as java.util.zip.CRC32) lookup table. */
const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * The checksum a broker puts in RegisterBrokerRequestHeader.bodyCrc32 and a name server verifies:
 * Java's UtilAll.crc32, a CRC-32 with the sign bit cleared (so it fits a positive Java int).
 */
export function bodyCrc32(bytes: Uint8Array): number {
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) & 0x7fffffff;
}
