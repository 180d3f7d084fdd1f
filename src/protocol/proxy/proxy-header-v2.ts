import { utf8Text } from "../utf8.ts";
import { formatIPv4, formatIPv6 } from "./ip-address.ts";
import { PROXY_V2_FIXED_LENGTH, PROXY_V2_SIGNATURE, type ProxyEndpoint, type ProxyFamily, type ProxyHeader } from "./proxy-header.ts";
import { PROXY_V2_DECISIVE_LENGTH } from "./proxy-header-detect.ts";
import { failProxy, hexByte } from "./proxy-protocol-error.ts";
import { parseProxyTlvs } from "./proxy-tlvs.ts";

/*
 * Version 2: the 12-byte signature, version and command (byte 12), address family and transport
 * (byte 13), the length of the rest (bytes 14-15, big-endian), the addresses, then TLVs. Each
 * field is checked as soon as it has arrived, so a bad header is refused before its body is
 * waited for.
 */

const VERSION_BYTE = 12;
const FAMILY_BYTE = 13;
const LENGTH_BYTE = 14;
const UNIX_PATH_LENGTH = 108;
const NO_TLVS: readonly never[] = Object.freeze([]);

interface FamilyLayout {
  family: ProxyFamily;
  /** Source and destination addresses and ports. */
  addressLength: number;
  description: string;
}

/**
 * The address family and transport bytes the spec defines. Datagram ones fall back to UNSPEC (the
 * spec allows it): a RocketMQ connection is a stream, so their addresses describe no client of ours.
 */
const LAYOUTS = new Map<number, FamilyLayout>([
  [0x00, { family: "UNSPEC", addressLength: 0, description: "UNSPEC" }],
  [0x11, { family: "TCP4", addressLength: 12, description: "TCP over IPv4" }],
  [0x12, { family: "UNSPEC", addressLength: 12, description: "UDP over IPv4" }],
  [0x21, { family: "TCP6", addressLength: 36, description: "TCP over IPv6" }],
  [0x22, { family: "UNSPEC", addressLength: 36, description: "UDP over IPv6" }],
  [0x31, { family: "UNIX", addressLength: 2 * UNIX_PATH_LENGTH, description: "UNIX stream" }],
  [0x32, { family: "UNSPEC", addressLength: 2 * UNIX_PATH_LENGTH, description: "UNIX datagram" }],
]);
const KNOWN_FAMILY_BYTES = [...LAYOUTS.keys()].map(hexByte).join(", ");

function layoutOf(familyByte: number): FamilyLayout {
  const layout = LAYOUTS.get(familyByte);
  if (layout === undefined) failProxy(`version 2 address family and transport ${hexByte(familyByte)} is not one of ${KNOWN_FAMILY_BYTES}`, FAMILY_BYTE);
  return layout;
}

const port = (b: Uint8Array, p: number): number => (b[p]! << 8) | b[p + 1]!;

/** A sun_path: up to its first NUL; Linux's abstract names (a leading NUL) as "@name". */
function unixPath(b: Uint8Array, start: number): string {
  const field = b.subarray(start, start + UNIX_PATH_LENGTH);
  const abstract = field[0] === 0 ? 1 : 0;
  let end = field.indexOf(0, abstract);
  if (end < 0) end = UNIX_PATH_LENGTH;
  return (abstract ? "@" : "") + utf8Text(field.subarray(abstract, end));
}

function endpoints(b: Uint8Array, family: ProxyFamily): [ProxyEndpoint, ProxyEndpoint] | [null, null] {
  const at = PROXY_V2_FIXED_LENGTH;
  switch (family) {
    case "TCP4":
      return [
        { address: formatIPv4(b, at), port: port(b, at + 8) },
        { address: formatIPv4(b, at + 4), port: port(b, at + 10) },
      ];
    case "TCP6":
      return [
        { address: formatIPv6(b, at), port: port(b, at + 32) },
        { address: formatIPv6(b, at + 16), port: port(b, at + 34) },
      ];
    case "UNIX":
      return [
        { address: unixPath(b, at), port: 0 },
        { address: unixPath(b, at + UNIX_PATH_LENGTH), port: 0 },
      ];
    case "UNSPEC":
      return [null, null];
  }
}

/**
 * Parses the version 2 header that `b` starts with (its first 9 bytes matched the signature).
 * Returns the header, or how many bytes the stream must hold before it can go on. Throws
 * RemotingProxyProtocolError.
 */
export function parseProxyV2(b: Uint8Array): ProxyHeader | number {
  const n = b.length;
  for (let i = PROXY_V2_DECISIVE_LENGTH; i < PROXY_V2_SIGNATURE.length && i < n; i++) {
    if (b[i] !== PROXY_V2_SIGNATURE[i]) failProxy(`not the version 2 signature: ${hexByte(b[i]!)}, expected ${hexByte(PROXY_V2_SIGNATURE[i]!)}`, i);
  }
  if (n <= VERSION_BYTE) return PROXY_V2_FIXED_LENGTH;
  const version = b[VERSION_BYTE]! >>> 4;
  const command = b[VERSION_BYTE]! & 0x0f;
  if (version !== 2) failProxy(`version ${version} in the version 2 header (high nibble of byte 12), expected 2`, VERSION_BYTE);
  if (command > 1) failProxy(`command ${command} (low nibble of byte 12) is neither LOCAL (0) nor PROXY (1)`, VERSION_BYTE);
  // LOCAL: the proxy's own connection; the spec has the receiver ignore the family and addresses.
  const local = command === 0;
  const layout = local || n <= FAMILY_BYTE ? null : layoutOf(b[FAMILY_BYTE]!);
  if (n < PROXY_V2_FIXED_LENGTH) return PROXY_V2_FIXED_LENGTH;
  const rest = port(b, LENGTH_BYTE);
  if (layout !== null && rest < layout.addressLength) {
    failProxy(`version 2 length ${rest} (bytes 14-15) is shorter than the ${layout.addressLength} bytes of ${layout.description} addresses`, LENGTH_BYTE);
  }
  const length = PROXY_V2_FIXED_LENGTH + rest;
  if (n < length) return length;
  if (layout === null) return { version: 2, command: "LOCAL", family: "UNSPEC", source: null, destination: null, tlvs: NO_TLVS, length };
  const [source, destination] = endpoints(b, layout.family);
  const tlvs = parseProxyTlvs(b, PROXY_V2_FIXED_LENGTH + layout.addressLength, length);
  return { version: 2, command: "PROXY", family: layout.family, source, destination, tlvs, length };
}
