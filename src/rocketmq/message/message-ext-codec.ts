import { RemotingCommandError } from "../../errors.ts";
import { readInt16, readInt32, writeInt16, writeInt32 } from "../../protocol/byte-writer.ts";
import { maxUtf8Length, readUtf8, utf8Length, writeUtf8 } from "../../protocol/utf8.ts";
import { bodyCrc32 } from "../body-crc32.ts";
import type { BodyDecompressor } from "./compression.ts";
import { bytesToHex } from "./hex.ts";
import { readInt64, writeInt64 } from "./int64.ts";
import { formatIpAndPort, readAddress, type IpAndPort } from "./ip-address.ts";
import { MessageConst } from "./message-const.ts";
import { compressionTypeOf, MessageSysFlag } from "./message-sys-flag.ts";
import type { MessageExt } from "./message.ts";
import { decodePropertiesBytes, encodeProperties, type Properties, type PropertiesInput } from "./properties.ts";

/*
 * Stored message records (Java's MessageDecoder.decode/decodes/encode, the broker's CommitLog
 * layout), back to back in a PULL_MESSAGE FOUND body. Big-endian:
 *
 *   0 TOTALSIZE int32 | 4 MAGICCODE int32 | 8 BODYCRC int32 | 12 QUEUEID int32 | 16 FLAG int32 |
 *   20 QUEUEOFFSET int64 | 28 PHYSICALOFFSET int64 | 36 SYSFLAG int32 | 40 BORNTIMESTAMP int64 |
 *   48 BORNHOST ip(4|16) + port int32 | STORETIMESTAMP int64 | STOREHOST ip(4|16) + port int32 |
 *   RECONSUMETIMES int32 | PREPARED TX OFFSET int64 | BODYLEN int32 + body |
 *   TOPICLEN int8 (int16 with the 5.x V2 magic) + topic | PROPSLEN int16 + properties
 *
 * The IP lengths come from sysFlag bits BORNHOST_V6_FLAG and STOREHOSTADDRESS_V6_FLAG.
 */

/** MAGICCODE of a record (CommitLog.MESSAGE_MAGIC_CODE, 0xDAA320A7). */
export const MESSAGE_MAGIC_CODE = -626843481;
/** MAGICCODE of a 5.x record whose topic length takes 2 bytes (0xDAA320AB); 4.9.8 cannot read these. */
export const MESSAGE_MAGIC_CODE_V2 = -626843477;

const EMPTY = new Uint8Array(0);

/** One decoded record. Body view, hosts and offsetMsgId are made when first read. */
class DecodedMessageExt implements MessageExt {
  readonly #bytes: Uint8Array;
  readonly #bornHostAt: number;
  readonly #storeHostAt: number;
  readonly #commitLogOffsetAt: number;
  readonly #bodyAt: number;
  readonly #bodyLength: number;
  #body: Uint8Array | null;
  #offsetMsgId: string | null = null;

  constructor(
    readonly topic: string,
    readonly properties: Properties,
    readonly flag: number,
    readonly queueId: number,
    readonly queueOffset: number,
    readonly commitLogOffset: number,
    readonly sysFlag: number,
    readonly bornTimestamp: number,
    readonly storeTimestamp: number,
    readonly reconsumeTimes: number,
    readonly preparedTransactionOffset: number,
    readonly bodyCRC: number,
    readonly storeSize: number,
    readonly brokerName: string | undefined,
    bytes: Uint8Array,
    recordAt: number,
    storeHostAt: number,
    bodyAt: number,
    bodyLength: number,
    inflated: Uint8Array | null,
  ) {
    this.#bytes = bytes;
    this.#bornHostAt = recordAt + 48;
    this.#commitLogOffsetAt = recordAt + 28;
    this.#storeHostAt = storeHostAt;
    this.#bodyAt = bodyAt;
    this.#bodyLength = bodyLength;
    this.#body = inflated;
  }

  get body(): Uint8Array {
    if (this.#body === null) {
      const b = this.#bytes;
      this.#body = this.#bodyLength === 0 ? EMPTY : new Uint8Array(b.buffer, b.byteOffset + this.#bodyAt, this.#bodyLength);
    }
    return this.#body;
  }

  get tags(): string | undefined {
    return this.properties[MessageConst.PROPERTY_TAGS];
  }

  get keys(): string | undefined {
    return this.properties[MessageConst.PROPERTY_KEYS];
  }

  get transactionId(): string | undefined {
    const prepared = this.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED];
    return prepared?.toLowerCase() === "true" ? this.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] : undefined;
  }

  get msgId(): string {
    return this.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? this.offsetMsgId;
  }

  get offsetMsgId(): string {
    if (this.#offsetMsgId === null) {
      const at = this.#storeHostAt;
      const ipLength = (this.sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 4 : 16;
      const c = this.#commitLogOffsetAt;
      this.#offsetMsgId = bytesToHex(this.#bytes, at, at + ipLength + 4) + bytesToHex(this.#bytes, c, c + 8);
    }
    return this.#offsetMsgId;
  }

  get bornHost(): string {
    return hostAt(this.#bytes, this.#bornHostAt, (this.sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 4 : 16);
  }

  get storeHost(): string {
    return hostAt(this.#bytes, this.#storeHostAt, (this.sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 4 : 16);
  }
}

function hostAt(b: Uint8Array, at: number, ipLength: number): string {
  return formatIpAndPort(b, at, ipLength, readInt32(b, at + ipLength));
}

/** How decodeMessageExts treats compressed bodies and damaged records. */
export interface DecodeMessageExtOptions {
  /**
   * Restores compressed bodies (pass decompressBody from zlib-compression.ts). Without it, a
   * compressed record is a RemotingCommandError.
   */
  decompress?: BodyDecompressor;
  /** Set as every message's brokerName (Java's PullAPIWrapper sets the queue's broker). */
  brokerName?: string;
  /**
   * A damaged record (truncated, a length that does not add up, a body that does not inflate):
   * "throw" (the default) raises a RemotingCommandError naming the record and the field; "stop"
   * returns the messages before it, as Java's MessageDecoder.decodes does.
   */
  onCorruptRecord?: "throw" | "stop";
  /**
   * Leave a compressed body as stored, its compression type unchecked (`decompress` is then not
   * needed): for readers of a record's properties or stored bytes, as a broker reads them.
   */
  keepCompressedBody?: boolean;
}

class CorruptRecord extends Error {}

/**
 * The messages of a PULL_MESSAGE FOUND body (records back to back), in one pass. Bodies are views
 * into `bytes` (which must stay unchanged while the messages are used); compressed ones are inflated.
 */
export function decodeMessageExts(bytes: Uint8Array, options: DecodeMessageExtOptions = {}): MessageExt[] {
  const messages: MessageExt[] = [];
  const end = bytes.length;
  let p = 0;
  while (p < end) {
    try {
      const message = decodeRecord(bytes, p, end, options);
      messages.push(message);
      p += message.storeSize;
    } catch (error) {
      if (options.onCorruptRecord === "stop") break;
      const why = error instanceof CorruptRecord ? error.message : `${(error as Error).message}`;
      throw new RemotingCommandError(`message record ${messages.length} (at byte ${p} of ${end}): ${why}`, {
        cause: error instanceof CorruptRecord ? undefined : error,
      });
    }
  }
  return messages;
}

function need(at: number, n: number, end: number, field: string): void {
  if (at + n > end) throw new CorruptRecord(`truncated in ${field}: needs ${at + n - end} more bytes`);
}

function decodeRecord(b: Uint8Array, p: number, end: number, options: DecodeMessageExtOptions): MessageExt {
  need(p, 48, end, "the fixed fields");
  const storeSize = readInt32(b, p);
  if (storeSize < 0 || p + storeSize > end) throw new CorruptRecord(`TOTALSIZE ${storeSize} runs past the ${end - p} bytes left`);
  const magic = readInt32(b, p + 4);
  const bodyCRC = readInt32(b, p + 8);
  const queueId = readInt32(b, p + 12);
  const flag = readInt32(b, p + 16);
  const queueOffset = readInt64(b, p + 20, "QUEUEOFFSET");
  const commitLogOffset = readInt64(b, p + 28, "PHYSICALOFFSET");
  const sysFlag = readInt32(b, p + 36);
  const bornTimestamp = readInt64(b, p + 40, "BORNTIMESTAMP");
  const bornIpLength = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 4 : 16;
  const storeIpLength = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 4 : 16;
  let at = p + 48 + bornIpLength + 4;
  need(at, 8 + storeIpLength + 4 + 4 + 8 + 4, end, "the host and offset fields");
  const storeTimestamp = readInt64(b, at, "STORETIMESTAMP");
  const storeHostAt = at + 8;
  at = storeHostAt + storeIpLength + 4;
  const reconsumeTimes = readInt32(b, at);
  const preparedTransactionOffset = readInt64(b, at + 4, "PREPARED TRANSACTION OFFSET");
  const bodyLength = readInt32(b, at + 12);
  const bodyAt = at + 16;
  if (bodyLength < 0) throw new CorruptRecord(`BODYLEN ${bodyLength} is negative`);
  const topicLengthSize = magic === MESSAGE_MAGIC_CODE_V2 ? 2 : 1;
  at = bodyAt + bodyLength;
  need(at, topicLengthSize, end, "TOPICLEN");
  const topicLength = topicLengthSize === 1 ? (b[at]! << 24) >> 24 : readInt16(b, at);
  if (topicLength < 0) throw new CorruptRecord(`TOPICLEN ${topicLength} is negative`);
  at += topicLengthSize;
  need(at, topicLength + 2, end, "TOPIC");
  const topic = readUtf8(b, at, at + topicLength);
  at += topicLength;
  const propertiesLength = readInt16(b, at);
  if (propertiesLength < 0) throw new CorruptRecord(`PROPSLEN ${propertiesLength} is negative`);
  at += 2;
  need(at, propertiesLength, end, "PROPERTIES");
  const properties = decodePropertiesBytes(b, at, at + propertiesLength);
  at += propertiesLength;
  if (at - p !== storeSize) throw new CorruptRecord(`TOTALSIZE says ${storeSize} bytes but the fields take ${at - p}`);

  let inflated: Uint8Array | null = null;
  if ((sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0 && bodyLength > 0 && options.keepCompressedBody !== true) {
    const type = compressionTypeOf(sysFlag);
    if (type === null) throw new CorruptRecord(`sysFlag ${sysFlag} names an unknown compression type ${(sysFlag >> 8) & 7}`);
    if (options.decompress === undefined) throw new CorruptRecord("the body is compressed and no decompress option was given (use decompressBody)");
    inflated = options.decompress(new Uint8Array(b.buffer, b.byteOffset + bodyAt, bodyLength), type);
  }
  return new DecodedMessageExt(
    topic,
    properties,
    flag,
    queueId,
    queueOffset,
    commitLogOffset,
    sysFlag,
    bornTimestamp,
    storeTimestamp,
    reconsumeTimes,
    preparedTransactionOffset,
    bodyCRC,
    storeSize,
    options.brokerName,
    b,
    p,
    storeHostAt,
    bodyAt,
    bodyLength,
    inflated,
  );
}

/** What a stored record holds; what a broker writes with encodeMessageExt. */
export interface MessageExtInit {
  /** The topic the record is stored under. */
  topic: string;
  /** The body as stored: already compressed if sysFlag says so. */
  body: Uint8Array;
  /** A map, or an already encoded properties string (or its UTF-8 bytes). */
  properties: PropertiesInput | string | Uint8Array;
  /** The message's flag (an application-defined int; 0 by default). */
  flag?: number;
  /** The queue the record is stored in. */
  queueId: number;
  /** The record's offset in its queue. */
  queueOffset: number;
  /** The record's physical offset in the commit log. */
  commitLogOffset: number;
  /** The BORNHOST_V6 and STOREHOSTADDRESS_V6 bits are set from the addresses, whatever is given here. */
  sysFlag?: number;
  /** When the producer created the message (ms since the epoch). */
  bornTimestamp: number;
  /** "ip:port" or "[v6]:port" (IPv4-mapped IPv6 addresses are stored as IPv4, as Java does), or that address as readAddress reads it (a writer storing many messages from one producer reads it once). */
  bornHost: string | Readonly<IpAndPort>;
  /** When the broker stored it (ms since the epoch). */
  storeTimestamp: number;
  /** "ip:port" of the broker that stored it, or that address as readAddress reads it. */
  storeHost: string | Readonly<IpAndPort>;
  /** How many times the message was sent back for a retry (0 by default). */
  reconsumeTimes?: number;
  /** The prepared message's commit-log offset for a transaction's commit or rollback; 0 otherwise. */
  preparedTransactionOffset?: number;
  /** crc32(body) & 0x7FFFFFFF, as a broker computes it, unless given. */
  bodyCRC?: number;
}

/** A record as writeMessageExt takes it: the properties already a string or bytes. */
export type MessageExtRecord = Omit<MessageExtInit, "properties"> & { properties: string | Uint8Array };

/** Bytes a record takes besides its hosts' IPs, body, topic and properties. */
const RECORD_FIXED_BYTES = 48 + 4 + 8 + 4 + 4 + 8 + 4 + 1 + 2;
const MAX_TOPIC_BYTES = 127;
const MAX_PROPERTIES_BYTES = 32767;

function hostOf(host: string | Readonly<IpAndPort>): Readonly<IpAndPort> {
  return typeof host === "string" ? readAddress(host) : host;
}

/**
 * The most bytes writeMessageExt can write for `record`: exact but for string properties, counted
 * at three bytes a character (measuring them first would cost as much as writing them).
 */
export function messageExtMaxSize(record: MessageExtRecord): number {
  const properties = record.properties;
  const propertiesMax = typeof properties === "string" ? maxUtf8Length(properties) : properties.length;
  return RECORD_FIXED_BYTES + hostOf(record.bornHost).ip.length + hostOf(record.storeHost).ip.length + record.body.length + utf8Length(record.topic) + propertiesMax;
}

/** An IP's 4 or 16 bytes: too few for a native copy to pay. */
function writeIp(out: Uint8Array, at: number, ip: Uint8Array): void {
  for (let i = 0; i < ip.length; i++) out[at + i] = ip[i]!;
}

/**
 * Writes `record` at `out[at]`, where messageExtMaxSize(record) bytes are free, and returns its
 * size: how a broker stores a message straight into its store's memory, with no array per message.
 * On a RemotingCommandError (a topic or properties too long) the bytes written are to be ignored.
 */
export function writeMessageExt(out: Uint8Array, at: number, record: MessageExtRecord): number {
  const topic = record.topic;
  const topicLength = utf8Length(topic);
  if (topicLength > MAX_TOPIC_BYTES) throw new RemotingCommandError(`topic of ${topicLength} bytes does not fit a record's 1-byte TOPICLEN (at most ${MAX_TOPIC_BYTES})`);
  const born = hostOf(record.bornHost);
  const store = hostOf(record.storeHost);
  let sysFlag = (record.sysFlag ?? 0) & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  if (born.ip.length === 16) sysFlag |= MessageSysFlag.BORNHOST_V6_FLAG;
  if (store.ip.length === 16) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  const body = record.body;
  writeInt32(out, at + 4, MESSAGE_MAGIC_CODE);
  writeInt32(out, at + 8, record.bodyCRC ?? bodyCrc32(body));
  writeInt32(out, at + 12, record.queueId);
  writeInt32(out, at + 16, record.flag ?? 0);
  writeInt64(out, at + 20, record.queueOffset, "queueOffset");
  writeInt64(out, at + 28, record.commitLogOffset, "commitLogOffset");
  writeInt32(out, at + 36, sysFlag);
  writeInt64(out, at + 40, record.bornTimestamp, "bornTimestamp");
  let p = at + 48;
  writeIp(out, p, born.ip);
  writeInt32(out, p + born.ip.length, born.port);
  p += born.ip.length + 4;
  writeInt64(out, p, record.storeTimestamp, "storeTimestamp");
  p += 8;
  writeIp(out, p, store.ip);
  writeInt32(out, p + store.ip.length, store.port);
  p += store.ip.length + 4;
  writeInt32(out, p, record.reconsumeTimes ?? 0);
  writeInt64(out, p + 4, record.preparedTransactionOffset ?? 0, "preparedTransactionOffset");
  writeInt32(out, p + 12, body.length);
  p += 16;
  out.set(body, p);
  p += body.length;
  out[p++] = topicLength;
  p += writeUtf8(out, p, topic);
  // Properties go last, so a string is written in place and its length known after.
  const properties = record.properties;
  let propertiesLength: number;
  if (typeof properties === "string") propertiesLength = writeUtf8(out, p + 2, properties);
  else {
    out.set(properties, p + 2);
    propertiesLength = properties.length;
  }
  if (propertiesLength > MAX_PROPERTIES_BYTES) throw new RemotingCommandError(`properties of ${propertiesLength} bytes do not fit a record's PROPSLEN (at most ${MAX_PROPERTIES_BYTES})`);
  writeInt16(out, p, propertiesLength);
  const size = p + 2 + propertiesLength - at;
  writeInt32(out, at, size);
  return size;
}

/** One stored record, as a broker writes it into its commit log and serves it to pulls. */
export function encodeMessageExt(init: MessageExtInit): Uint8Array {
  const properties = init.properties;
  // Hosts read once, for both the room and the record.
  const record: MessageExtRecord = {
    ...init,
    properties: typeof properties === "string" || properties instanceof Uint8Array ? properties : encodeProperties(properties),
    bornHost: hostOf(init.bornHost),
    storeHost: hostOf(init.storeHost),
  };
  const out = new Uint8Array(messageExtMaxSize(record));
  const size = writeMessageExt(out, 0, record);
  return size === out.length ? out : out.slice(0, size);
}
