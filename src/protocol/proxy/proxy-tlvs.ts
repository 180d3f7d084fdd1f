import { crc32cFinish, crc32cInit, crc32cUpdate } from "./crc32c.ts";
import { PROXY_UNIQUE_ID_MAX_LENGTH, ProxyTlvType, proxyTlvName, type ProxyTlv } from "./proxy-header.ts";
import { failProxy, hexByte } from "./proxy-protocol-error.ts";

/*
 * Version 2's Type-Length-Value fields: type (1 byte), length (2 bytes, big-endian), value. They
 * fill the header from the end of the addresses to its end, exactly; an SSL TLV holds its own
 * after 5 bytes of fields. A CRC32C TLV is verified over the whole header.
 */

const TLV_HEAD = 3;
const SSL_FIELDS = 5;
const CRC32C_LENGTH = 4;
const ZEROS = new Uint8Array(CRC32C_LENGTH);

const label = (type: number): string => `${proxyTlvName(type) ?? `type ${hexByte(type)}`} TLV`;

function readUint32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

/** The TLVs in `b[start, end)`; `where` names the list in messages. Only the header's own list may hold SSL and CRC32C TLVs. */
function parseList(b: Uint8Array, start: number, end: number, where: string, topLevel: boolean): ProxyTlv[] {
  const tlvs: ProxyTlv[] = [];
  let i = start;
  while (i < end) {
    if (end - i < TLV_HEAD) failProxy(`${where} ends with ${end - i} byte(s), too few for a TLV's type and length`, i);
    const type = b[i]!;
    const length = (b[i + 1]! << 8) | b[i + 2]!;
    const valueStart = i + TLV_HEAD;
    const valueEnd = valueStart + length;
    if (valueEnd > end) failProxy(`${label(type)} says ${length} byte(s) of value but ${where} has ${end - valueStart} left`, i + 1);
    const value = b.subarray(valueStart, valueEnd);
    if (topLevel && type === ProxyTlvType.CRC32C && length !== CRC32C_LENGTH) failProxy(`CRC32C TLV has ${length} byte(s) of value, expected 4`, i + 1);
    if (type === ProxyTlvType.UNIQUE_ID && length > PROXY_UNIQUE_ID_MAX_LENGTH) {
      failProxy(`UNIQUE_ID TLV has ${length} bytes, at most ${PROXY_UNIQUE_ID_MAX_LENGTH} are allowed`, i + 1);
    }
    if (topLevel && type === ProxyTlvType.SSL) {
      if (length < SSL_FIELDS) failProxy(`SSL TLV has ${length} byte(s) of value, too few for its client and verify fields (5)`, i + 1);
      const ssl = { client: b[valueStart]!, verify: readUint32(b, valueStart + 1), tlvs: parseList(b, valueStart + SSL_FIELDS, valueEnd, "the SSL TLV", false) };
      tlvs.push({ type, name: "SSL", value, ssl });
    } else {
      tlvs.push({ type, name: proxyTlvName(type), value });
    }
    i = valueEnd;
  }
  return tlvs;
}

/**
 * The TLVs of the version 2 header `b[0, end)` that start at `start`, with a CRC32C TLV (if any)
 * verified. Throws RemotingProxyProtocolError.
 */
export function parseProxyTlvs(b: Uint8Array, start: number, end: number): ProxyTlv[] {
  const tlvs = parseList(b, start, end, "the header", true);
  const crcs = tlvs.filter((t) => t.type === ProxyTlvType.CRC32C);
  if (crcs.length === 0) return tlvs;
  const at = crcs[crcs.length - 1]!.value.byteOffset - b.byteOffset;
  if (crcs.length > 1) failProxy("a second CRC32C TLV", at - TLV_HEAD);
  // The checksum covers the whole header, its own 4 bytes taken as zeros.
  let crc = crc32cUpdate(crc32cInit, b, 0, at);
  crc = crc32cUpdate(crc, ZEROS);
  crc = crc32cFinish(crc32cUpdate(crc, b, at + CRC32C_LENGTH, end));
  const sent = readUint32(b, at);
  const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, "0")}`;
  if (crc !== sent) failProxy(`CRC32C TLV says ${hex32(sent)} but the header's checksum is ${hex32(crc)}`, at);
  return tlvs;
}
