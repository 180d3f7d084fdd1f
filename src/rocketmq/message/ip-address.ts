import { RemotingCommandError } from "../../errors.ts";

/*
 * Addresses in message ids and records are raw IP bytes (4 for IPv4, 16 for IPv6) and a port, as
 * Java's InetSocketAddress gives them. As text they are "1.2.3.4:port" and "[v6]:port", the IPv6
 * address in RFC 5952 form ("fd00::2"; Java prints "fd00:0:0:0:0:0:0:2", which parseIp also reads).
 */

/** An address as raw IP bytes and a port. */
export interface IpAndPort {
  /** 4 bytes (IPv4) or 16 (IPv6). */
  ip: Uint8Array;
  /** The port. */
  port: number;
}

function bad(text: string, why: string): RemotingCommandError {
  return new RemotingCommandError(`"${text}" is not an IP address: ${why}`);
}

function parseIpv4(text: string, out: Uint8Array, at: number): void {
  const parts = text.split(".");
  if (parts.length !== 4) throw bad(text, "an IPv4 address has 4 parts");
  parts.forEach((part, i) => {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) throw bad(text, `part "${part}" is not 0-255`);
    out[at + i] = Number(part);
  });
}

/** The 16-bit groups of one side of "::"; an IPv4 tail ("::ffff:1.2.3.4") gives two groups. */
function groupsOf(part: string, text: string, mayEndInIpv4: boolean): number[] {
  if (part === "") return [];
  const words: number[] = [];
  const groups = part.split(":");
  groups.forEach((g, i) => {
    if (mayEndInIpv4 && i === groups.length - 1 && g.includes(".")) {
      const v4 = new Uint8Array(4);
      parseIpv4(g, v4, 0);
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) words.push(parseInt(g, 16));
    else throw bad(text, `group "${g}" is not 1-4 hex digits`);
  });
  return words;
}

function parseIpv6(text: string): Uint8Array {
  const halves = text.split("::");
  if (halves.length > 2) throw bad(text, '"::" may appear once');
  const compressed = halves.length === 2;
  const head = groupsOf(halves[0]!, text, !compressed);
  const tail = compressed ? groupsOf(halves[1]!, text, true) : [];
  const zeros = 8 - head.length - tail.length;
  if (compressed ? zeros < 1 : zeros !== 0) throw bad(text, "an IPv6 address has 8 groups");
  const words = [...head, ...new Array<number>(compressed ? zeros : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >>> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/**
 * The bytes of an IP address in text form: IPv4 gives 4 bytes, IPv6 16. An IPv4-mapped IPv6
 * address ("::ffff:127.0.0.1", what a dual-stack socket reports for an IPv4 peer) gives the 4 IPv4
 * bytes, as Java's InetAddress does. A zone ("%eth0") is ignored.
 */
export function parseIp(text: string): Uint8Array {
  if (!text.includes(":")) {
    const out = new Uint8Array(4);
    parseIpv4(text, out, 0);
    return out;
  }
  const zone = text.indexOf("%");
  const v6 = parseIpv6(zone < 0 ? text : text.slice(0, zone));
  const mapped = v6.subarray(0, 10).every((x) => x === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

/** `b[start, start + length)` (4 or 16 bytes) as text: dotted IPv4, or RFC 5952 IPv6. */
export function formatIp(b: Uint8Array, start = 0, length = b.length - start): string {
  if (length === 4) return `${b[start]}.${b[start + 1]}.${b[start + 2]}.${b[start + 3]}`;
  if (length !== 16) throw new TypeError(`an IP address has 4 or 16 bytes, not ${length}`);
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[start + 2 * i]! << 8) | b[start + 2 * i + 1]!);
  // RFC 5952: the longest run (leftmost on a tie) of two or more zero groups becomes "::".
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (list: number[]): string => list.map((w) => w.toString(16)).join(":");
  if (bestAt < 0) return hex(words);
  return `${hex(words.slice(0, bestAt))}::${hex(words.slice(bestAt + bestLength))}`;
}

/** "ip:port", with IPv6 addresses in brackets. */
export function formatIpAndPort(b: Uint8Array, start: number, length: number, port: number): string {
  const ip = formatIp(b, start, length);
  return length === 16 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Reads "1.2.3.4:port", "[v6]:port" (or a bare v6 address followed by ":port"). */
export function parseIpAndPort(text: string): IpAndPort {
  const colon = text.lastIndexOf(":");
  if (colon < 0) throw bad(text, "no port");
  const portText = text.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw bad(text, `port "${portText}" is not 0-65535`);
  let host = text.slice(0, colon);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { ip: parseIp(host), port };
}

/** Addresses read recently by readAddress: a broker sees the same few hosts on every message. */
const recentAddresses = new Map<string, Readonly<IpAndPort>>();
const RECENT_ADDRESSES_LIMIT = 1024;

/**
 * parseIpAndPort for hot paths (a record per stored message names its producer and its broker):
 * the answer for a text read recently is reused. The result is shared: callers only read it.
 */
export function readAddress(text: string): Readonly<IpAndPort> {
  let address = recentAddresses.get(text);
  if (address === undefined) {
    address = parseIpAndPort(text);
    if (recentAddresses.size >= RECENT_ADDRESSES_LIMIT) recentAddresses.clear();
    recentAddresses.set(text, address);
  }
  return address;
}
