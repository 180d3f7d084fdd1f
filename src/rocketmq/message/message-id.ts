import { RemotingCommandError } from "../../errors.ts";
import { writeInt16, writeInt32 } from "../../protocol/byte-writer.ts";
import { asciiText } from "../../protocol/utf8.ts";
import { hexToBytes, spellHexBytes, spellHexInt } from "./hex.ts";
import { formatIp, parseIp } from "./ip-address.ts";

/*
 * The client message id a producer puts in UNIQ_KEY (Java's MessageClientIDSetter): upper-case hex
 * of ip (4 or 16 bytes) + pid (int16) + a per-process int32 (Java: the class loader's hash) +
 * milliseconds since the start of the month (int32) + a counter (int16). 32 hex digits with an
 * IPv4 address, 56 with IPv6. Everything that depends on the process or the clock is injected, so
 * the generator runs anywhere and tests can pin it.
 */

/** What makes a process's message ids unique, and the clock they count time with. */
export interface MessageIdSource {
  /** The client's IP address, 4 or 16 bytes (Java: UtilAll.getIP(); see selectMessageIdIp). */
  ip: Uint8Array;
  /** The process id; its low 16 bits are used. */
  pid: number;
  /** Any int32 fixed for the process's life (Java: MessageClientIDSetter's class loader hash code). */
  processHash: number;
  /** Wall-clock milliseconds; Date.now by default. */
  clock?: () => number;
  /** Whose months the time part counts from: the local time zone (Java: the JVM's default) or UTC. */
  timeZone?: "local" | "utc";
  /** The counter's first value (Java: 0). */
  counter?: number;
}

/** Start of the month holding `ms`, and of the next one. */
function monthBounds(ms: number, utc: boolean): [number, number] {
  const d = new Date(ms);
  if (utc) return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
  return [new Date(d.getFullYear(), d.getMonth(), 1).getTime(), new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime()];
}


/** Makes UNIQ_KEY values as Java's MessageClientIDSetter.createUniqID does. */
export class MessageIdGenerator {
  /** The id's characters: the fixed part spelt once, the time and counter digits rewritten per id, one call makes the string. */
  readonly #spelt: Uint8Array;
  readonly #clock: () => number;
  readonly #utc: boolean;
  #counter: number;
  #monthStart = 0;
  #nextMonthStart = -Infinity;

  constructor(source: MessageIdSource) {
    const { ip, pid, processHash } = source;
    if (ip.length !== 4 && ip.length !== 16) throw new TypeError(`MessageIdSource.ip: an IP address has 4 or 16 bytes, not ${ip.length}`);
    if (!Number.isInteger(pid)) throw new TypeError(`MessageIdSource.pid: ${pid} is not an integer`);
    if (!Number.isInteger(processHash)) throw new TypeError(`MessageIdSource.processHash: ${processHash} is not an integer`);
    const fixed = new Uint8Array(ip.length + 6);
    fixed.set(ip);
    writeInt16(fixed, ip.length, pid);
    writeInt32(fixed, ip.length + 2, processHash);
    this.#spelt = new Uint8Array(2 * fixed.length + 12);
    spellHexBytes(this.#spelt, 0, fixed);
    this.#clock = source.clock ?? Date.now;
    this.#utc = source.timeZone === "utc";
    this.#counter = source.counter ?? 0;
  }

  /** A new id. */
  next(): string {
    const now = this.#clock();
    if (now >= this.#nextMonthStart) [this.#monthStart, this.#nextMonthStart] = monthBounds(now, this.#utc);
    let elapsed = (now - this.#monthStart) | 0; // Java's (int) cast: the low 32 bits
    if (elapsed < 0 && elapsed > -1_000_000) elapsed = 0; // a clock stepped back a little (NTP)
    const counter = this.#counter;
    this.#counter = (counter + 1) | 0;
    const spelt = this.#spelt;
    spellHexInt(spelt, spelt.length - 12, elapsed, 8);
    spellHexInt(spelt, spelt.length - 4, counter, 4);
    return asciiText(spelt);
  }
}

/** What a client message id says (Java: MessageClientIDSetter.getIPFromID, getPidFromID, getNearlyTimeFromID). */
export interface DecodedMessageId {
  /** The producer's IP address (4 or 16 bytes). */
  ip: Uint8Array;
  /** The IP as text ("10.0.0.5", "fd00::2"). */
  address: string;
  /** The low 16 bits of the producer's process id. */
  pid: number;
  /** The producer's class-loader hash (an int that tells processes apart). */
  processHash: number;
  /** When the id was made, to the millisecond, if it was made within about a month before `now`. */
  time: number;
  /** The producer's running counter (wraps at 2^24 in Java 4.9.8). */
  counter: number;
}

/**
 * Reads a client message id. The time part only counts from a month start, so, as Java's
 * getNearlyTimeFromID, it is placed in the month of `now`, or the month before if that would put it
 * at or after `now`.
 */
export function decodeMessageId(id: string, options: { now?: number; timeZone?: "local" | "utc" } = {}): DecodedMessageId {
  if (id.length !== 32 && id.length !== 56) {
    throw new RemotingCommandError(`message id "${id}" has ${id.length} hex digits, not 32 (IPv4) or 56 (IPv6)`);
  }
  const b = hexToBytes(id, "message id");
  const ipLength = b.length - 12;
  const at = (i: number): number => b[ipLength + i]!;
  const span = ((at(6) << 24) | (at(7) << 16) | (at(8) << 8) | at(9)) >>> 0;
  const now = options.now ?? Date.now();
  const utc = options.timeZone === "utc";
  let [monthStart] = monthBounds(now, utc);
  if (monthStart + span >= now) [monthStart] = monthBounds(monthStart - 1, utc);
  return {
    ip: b.slice(0, ipLength),
    address: formatIp(b, 0, ipLength),
    pid: (at(0) << 8) | at(1),
    processHash: (at(2) << 24) | (at(3) << 16) | (at(4) << 8) | at(5),
    time: monthStart + span,
    counter: (at(10) << 8) | at(11),
  };
}

function isPrivateIpv4(ip: Uint8Array): boolean {
  return ip[0] === 10 || (ip[0] === 172 && ip[1]! >= 16 && ip[1]! <= 31) || (ip[0] === 192 && ip[1] === 168);
}

/** Java's "internal" IPv6 kinds: any-local (::), loopback (::1), link-local fe80::/10, site-local fec0::/10. */
function isLocalIpv6(ip: Uint8Array): boolean {
  if (ip.subarray(0, 15).every((x) => x === 0) && ip[15]! <= 1) return true;
  const scope = ip[1]! & 0xc0;
  return ip[0] === 0xfe && (scope === 0x80 || scope === 0xc0);
}

/**
 * The address a message id should carry, chosen from the host's addresses (in interface order) as
 * Java's UtilAll.getIP does: the first public IPv4 or IPv6 address, else the first private IPv4
 * (10/8, 172.16/12, 192.168/16). Unlike Java, IPv4 loopback (127/8) and link-local (169.254/16)
 * addresses are never chosen: they say nothing about the host. With no usable address the result
 * is Java's fallback, the low 4 bytes of the clock (`nowMs`).
 */
export function selectMessageIdIp(addresses: readonly string[], nowMs: number = Date.now()): Uint8Array {
  let privateIpv4: Uint8Array | null = null;
  for (const text of addresses) {
    let ip: Uint8Array;
    try {
      ip = parseIp(text);
    } catch {
      continue;
    }
    if (ip.length === 4) {
      if (ip[0] === 127 || (ip[0] === 169 && ip[1] === 254) || ip.every((x) => x === 0)) continue;
      if (!isPrivateIpv4(ip)) return ip;
      privateIpv4 ??= ip;
    } else if (!isLocalIpv6(ip)) return ip;
  }
  if (privateIpv4 !== null) return privateIpv4;
  const fake = new Uint8Array(4);
  writeInt32(fake, 0, nowMs % 4294967296);
  return fake;
}
