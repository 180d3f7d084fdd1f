/** CRC-32C (Castagnoli, RFC 4960 appendix B), reflected polynomial 0x82F63B78. */
const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** Continues a CRC-32C over `b[start, end)`; start with `crc32cInit`, finish with `crc32cFinish`. */
export function crc32cUpdate(crc: number, b: Uint8Array, start = 0, end = b.length): number {
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ b[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

export const crc32cInit = -1;

/** The checksum as an unsigned 32-bit number. */
export function crc32cFinish(crc: number): number {
  return (crc ^ -1) >>> 0;
}

export function crc32c(b: Uint8Array): number {
  return crc32cFinish(crc32cUpdate(crc32cInit, b));
}
