import { concatBytes } from "../protocol/byte-writer.ts";
import { decodeCustomHeader, encodeCustomHeader } from "../protocol/custom-header.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { QueryMessageRequestHeader, QueryMessageResponseHeader } from "../rocketmq/headers.ts";
import { decodeMessageExts } from "../rocketmq/message/message-ext-codec.ts";
import { MessageConst } from "../rocketmq/message/message-const.ts";
import { utf8Bytes } from "../protocol/utf8.ts";
import { answer } from "./answer.ts";
import type { MessageStore, StoredMessage } from "./message-store.ts";

/** Java's messageStoreConfig.maxMsgsNumBatch: messages one query answers at most. */
const MAX_NUM_BATCH = 64;
/** Java's defaultQueryMaxNum: what a query by unique id asks for, whatever it says. */
const UNIQUE_QUERY_MAX_NUM = 32;
/** MixAll.UNIQUE_MSG_QUERY_FLAG: the key is a unique message id (UNIQ_KEY). */
const UNIQUE_MSG_QUERY_FLAG = "_UNIQUE_KEY_QUERY";
/**
 * Kept messages one query looks at, newest first: with no index to keep up on every send, a query
 * reads records, and this bounds how long it holds the event loop.
 */
const QUERY_SCAN_LIMIT = 100_000;

/** A `long` header field as milliseconds, clamped to the safe range (a bound past it matches the same). */
function millis(value: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(value > max ? max : value < -max ? -max : value);
}

/** Whether `needle` occurs in `haystack`; an empty one never does (Java files no empty key). */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const last = haystack.length - needle.length;
  next: for (let i = haystack.indexOf(needle[0]!); i !== -1 && i <= last; i = haystack.indexOf(needle[0]!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue next;
    return true;
  }
  return false;
}

/** Whether a stored record is filed under `key` (its UTF-8 bytes) as Java's IndexService files it: its UNIQ_KEY, or a word of its KEYS. */
function filedUnder(message: StoredMessage, key: string, keyBytes: Uint8Array): boolean {
  if (!contains(message.record, keyBytes)) return false; // most records: no decoding
  const properties = decodeMessageExts(message.record, { keepCompressedBody: true })[0]!.properties;
  if (properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] === key) return true;
  const keys = properties[MessageConst.PROPERTY_KEYS];
  return keys !== undefined && keys.split(MessageConst.KEY_SEPARATOR).includes(key);
}

/**
 * QUERY_MESSAGE (12) as Java's QueryMessageProcessor answers it (the admin tools' queryMsgByKey and
 * queryMsgByUniqueKey, a client's queryMessage and viewMessage by unique id): the newest `maxNum`
 * (at most 64; 32 for a unique id) messages of the topic filed under the key and stored in the time
 * range, their records one after another in store order as the body, with the newest kept message's
 * store time and offset as the index's last update; QUERY_NOT_FOUND with Java's remark when none
 * is. Differences, documented: times match to the millisecond (Java's index keeps seconds), a
 * message is answered once even when KEYS repeats the key, and only the newest QUERY_SCAN_LIMIT
 * kept messages are looked at.
 */
export function queryMessage(request: RemotingCommand, store: MessageStore): RemotingCommand {
  const h = decodeCustomHeader(request.extFields, QueryMessageRequestHeader);
  const maxNum = Math.min(request.extFields?.[UNIQUE_MSG_QUERY_FLAG] === "true" ? UNIQUE_QUERY_MAX_NUM : h.maxNum, MAX_NUM_BATCH);
  const begin = millis(h.beginTimestamp);
  const end = millis(h.endTimestamp);
  const found: StoredMessage[] = [];
  const keyBytes = utf8Bytes(h.key);
  let newest: StoredMessage | null = null;
  for (const message of store.newestFirst(QUERY_SCAN_LIMIT)) {
    newest ??= message;
    if (found.length >= maxNum) break;
    if (message.topic === h.topic && message.storeTimestamp >= begin && message.storeTimestamp <= end && filedUnder(message, h.key, keyBytes)) found.push(message);
  }
  if (found.length === 0) {
    // Java reports the index's position only along with something found.
    const extFields = encodeCustomHeader({ indexLastUpdateTimestamp: 0n, indexLastUpdatePhyoffset: 0n }, QueryMessageResponseHeader);
    return answer(request, ResponseCode.QUERY_NOT_FOUND, "can not find message, maybe time range not correct", { extFields });
  }
  const extFields = encodeCustomHeader({ indexLastUpdateTimestamp: BigInt(newest!.storeTimestamp), indexLastUpdatePhyoffset: BigInt(newest!.commitLogOffset) }, QueryMessageResponseHeader);
  const body = concatBytes(found.reverse().map((message) => message.record)); // store order, as Java sorts the offsets it found
  return answer(request, ResponseCode.SUCCESS, null, { extFields, body });
}
