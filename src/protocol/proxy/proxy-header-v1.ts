import { formatIPv6, parseIPv4, parseIPv6 } from "./ip-address.ts";
import { PROXY_V1_MAX_LENGTH, PROXY_V1_PREFIX, type ProxyEndpoint, type ProxyHeader } from "./proxy-header.ts";
import { failProxy, hexByte } from "./proxy-protocol-error.ts";

/*
 * Version 1: one US-ASCII line, "PROXY TCP4 <src> <dst> <sport> <dport>\r\n" (or TCP6, or
 * "PROXY UNKNOWN" followed by anything up to the CRLF), at most 107 bytes. Single spaces, no
 * leading zeros in numbers, a bare CR or LF is an error: anything that does not match exactly
 * closes the connection.
 */

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const PORT = /^(?:0|[1-9][0-9]{0,4})$/;
const NO_TLVS: readonly never[] = Object.freeze([]);
/** Where the space after "PROXY" is, and where the protocol name begins. */
const SPACE_AT = PROXY_V1_PREFIX.length;
const PROTOCOL_AT = SPACE_AT + 1;

/** ASCII text of `b[start, end)` (a version 1 line is at most 107 bytes). */
function text(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}

/** The length of the line through its CRLF, or -1 while the CRLF has not arrived. */
function lineLength(b: Uint8Array): number {
  const n = Math.min(b.length, PROXY_V1_MAX_LENGTH);
  for (let i = SPACE_AT; i < n; i++) {
    const c = b[i];
    if (c === LF) failProxy("version 1 line has a line feed without a carriage return before it", i);
    if (c !== CR) continue;
    if (i + 1 === PROXY_V1_MAX_LENGTH) break;
    if (i + 1 === b.length) return -1;
    if (b[i + 1] !== LF) failProxy(`version 1 line has a carriage return followed by ${hexByte(b[i + 1]!)}, not a line feed`, i + 1);
    return i + 2;
  }
  if (b.length >= PROXY_V1_MAX_LENGTH) failProxy(`no CRLF in the first ${PROXY_V1_MAX_LENGTH} bytes, the most a version 1 line may take`, PROXY_V1_MAX_LENGTH - 1);
  return -1;
}

/** The index of the next space in `b[from, end)`, or `end`. */
function nextSpace(b: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && b[i] !== SP) i++;
  return i;
}

const FIELDS = ["source address", "destination address", "source port", "destination port"] as const;

/**
 * Parses the version 1 line that `b` starts with (its first 5 bytes are "PROXY"). Returns the
 * header, or null while the line's CRLF has not arrived. Throws RemotingProxyProtocolError.
 */
export function parseProxyV1(b: Uint8Array): ProxyHeader | null {
  if (b.length > SPACE_AT && b[SPACE_AT] !== SP) failProxy(`version 1 line has ${hexByte(b[SPACE_AT]!)} after "PROXY", expected a space`, SPACE_AT);
  const length = lineLength(b);
  if (length < 0) return null;
  const cr = length - 2;
  const protocolEnd = nextSpace(b, PROTOCOL_AT, cr);
  const protocol = text(b, PROTOCOL_AT, protocolEnd);
  if (protocol === "UNKNOWN") {
    // The rest of the line carries nothing the receiver may use.
    return { version: 1, command: "PROXY", family: "UNSPEC", source: null, destination: null, tlvs: NO_TLVS, length };
  }
  if (protocol !== "TCP4" && protocol !== "TCP6") failProxy(`version 1 protocol ${JSON.stringify(protocol)} is not TCP4, TCP6 or UNKNOWN`, PROTOCOL_AT);
  const values: string[] = [];
  const starts: number[] = [];
  let at = protocolEnd;
  for (const field of FIELDS) {
    if (at === cr) failProxy(`version 1 line ends before the ${field}`, at);
    const start = at + 1;
    at = nextSpace(b, start, cr);
    if (at === start) failProxy(`version 1 line has ${start === cr ? "no" : "an empty"} ${field} (fields are separated by exactly one space)`, start);
    values.push(text(b, start, at));
    starts.push(start);
  }
  if (at !== cr) failProxy("version 1 line goes on after the destination port", at);
  const address = (i: number): string => {
    const value = values[i]!;
    if (protocol === "TCP4") {
      if (parseIPv4(value) === null) failProxy(`version 1 ${FIELDS[i]} ${JSON.stringify(value)} is not an IPv4 address (TCP4: a.b.c.d, no leading zeros)`, starts[i]!);
      return value;
    }
    const bytes = parseIPv6(value);
    if (bytes === null) failProxy(`version 1 ${FIELDS[i]} ${JSON.stringify(value)} is not an IPv6 address (TCP6)`, starts[i]!);
    return formatIPv6(bytes);
  };
  const port = (i: number): number => {
    const value = values[i]!;
    const n = Number(value);
    if (!PORT.test(value) || n > 65535) failProxy(`version 1 ${FIELDS[i]} ${JSON.stringify(value)} is not a port (0-65535, no leading zeros)`, starts[i]!);
    return n;
  };
  const sourceAddress = address(0); // checked in wire order, so the first bad field is the one reported
  const destinationAddress = address(1);
  const source: ProxyEndpoint = { address: sourceAddress, port: port(2) };
  const destination: ProxyEndpoint = { address: destinationAddress, port: port(3) };
  return { version: 1, command: "PROXY", family: protocol, source, destination, tlvs: NO_TLVS, length };
}
