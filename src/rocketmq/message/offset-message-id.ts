import { RemotingCommandError } from "../../errors.ts";
import { writeInt32 } from "../../protocol/byte-writer.ts";
import { asciiText } from "../../protocol/utf8.ts";
import { bytesToHex, hexToBytes, spellHexInt } from "./hex.ts";
import { readInt64, writeInt64 } from "./int64.ts";
import { formatIpAndPort, type IpAndPort } from "./ip-address.ts";

/*
 * The offset message id (Java's MessageDecoder.createMessageId / decodeMessageId): where a message
 * sits in a broker's commit log, as hex of store ip (4 or 16 bytes) + store port (int32) +
 * commit-log offset (int64). 32 hex digits for an IPv4 store host, 56 for IPv6. A SEND answer's
 * msgId is this id; a consumer computes it from each record's STOREHOST and PHYSICALOFFSET.
 */

/** The offset message id of a message stored at `commitLogOffset` by the broker at `ip`:`port`. */
export function createOffsetMessageId(ip: Uint8Array, port: number, commitLogOffset: number | bigint): string {
  if (ip.length !== 4 && ip.length !== 16) throw new TypeError(`a store host IP has 4 or 16 bytes, not ${ip.length}`);
  const bytes = new Uint8Array(ip.length + 12);
  bytes.set(ip);
  writeInt32(bytes, ip.length, port);
  writeInt64(bytes, ip.length + 4, commitLogOffset, "commitLogOffset");
  return bytesToHex(bytes);
}

/** Each store host's part of its ids (ip and port in hex), spelt once: a broker names every message it stores. */
const hostHex = new WeakMap<Readonly<IpAndPort>, string>();
const offsetDigits = new Uint8Array(16);
const TWO_32 = 4294967296;

/**
 * createOffsetMessageId for a store host as readAddress gives it (one object per address, so its
 * hex is spelt once), at a commit-log offset the broker assigned (a safe, non-negative integer).
 */
export function storedMessageId(storeHost: Readonly<IpAndPort>, commitLogOffset: number): string {
  let host = hostHex.get(storeHost);
  if (host === undefined) hostHex.set(storeHost, (host = createOffsetMessageId(storeHost.ip, storeHost.port, 0).slice(0, -16)));
  const hi = Math.floor(commitLogOffset / TWO_32);
  spellHexInt(offsetDigits, 0, hi, 8);
  spellHexInt(offsetDigits, 8, commitLogOffset - hi * TWO_32, 8);
  return host + asciiText(offsetDigits);
}

/** What an offset message id says. */
export interface OffsetMessageId {
  /** The store host's IP bytes (4 or 16). */
  ip: Uint8Array;
  /** The broker's port. */
  port: number;
  /** "ip:port" ("[v6]:port"): the broker that stored the message. */
  address: string;
  /** The record's physical offset in the broker's commit log. */
  commitLogOffset: number;
}

/**
 * Reads an offset message id. Java takes any id that is not 32 digits long as IPv6; here anything
 * but 32 or 56 hex digits is a RemotingCommandError.
 */
export function decodeOffsetMessageId(msgId: string): OffsetMessageId {
  if (msgId.length !== 32 && msgId.length !== 56) {
    throw new RemotingCommandError(`offset message id "${msgId}" has ${msgId.length} hex digits, not 32 (IPv4) or 56 (IPv6)`);
  }
  const bytes = hexToBytes(msgId, "offset message id");
  const ipLength = bytes.length - 12;
  const port = (bytes[ipLength]! << 24) | (bytes[ipLength + 1]! << 16) | (bytes[ipLength + 2]! << 8) | bytes[ipLength + 3]!;
  return {
    ip: bytes.slice(0, ipLength),
    port,
    address: formatIpAndPort(bytes, 0, ipLength, port),
    commitLogOffset: readInt64(bytes, ipLength + 4, "offset message id's commit-log offset"),
  };
}
