import { readInt16, readInt32 } from "../protocol/byte-writer.ts";
import { undecodedExtFields, type RemotingCommand } from "../protocol/remoting-command.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { readUtf8 } from "../protocol/utf8.ts";
import type { SendHeader } from "./send-headers.ts";

/** A SEND_MESSAGE_V2 header read from its bytes: the header without `properties`, which stay bytes at `bytes[propertiesStart, propertiesEnd)` (-1: none). */
export interface SendHeaderBytes {
  readonly header: SendHeader;
  readonly bytes: Uint8Array;
  readonly propertiesStart: number;
  readonly propertiesEnd: number;
}

/** Keys are single letters from "a" (bit 0) to "n" (bit 13). */
const A = 0x61;
/** The required fields' bits: a to h. */
const REQUIRED = 0b11111111;

/**
 * The header of a SEND_MESSAGE_V2 or SEND_BATCH_MESSAGE read straight from the received ROCKETMQ
 * ext fields (undecodedExtFields), so that a broker makes no string per field and leaves the
 * properties as bytes. Null whenever the generic decoder
 * (decodeSendMessageRequestHeader) must decide: another code or header type, ext fields already
 * decoded, a key given twice, a required field missing, or a number in any form but plain digits
 * (with a minus sign) that fit. So where this answers, it answers as the generic decoder does.
 */
export function readSendHeaderV2Bytes(request: RemotingCommand): SendHeaderBytes | null {
  if (request.code !== RequestCode.SEND_MESSAGE_V2 && request.code !== RequestCode.SEND_BATCH_MESSAGE) return null;
  const ext = undecodedExtFields(request);
  if (ext === null) return null;
  const b = ext.bytes;
  let producerGroup = "";
  let topic = "";
  let defaultTopic = "";
  let defaultTopicQueueNums = 0;
  let queueId = 0;
  let sysFlag = 0;
  let bornTimestamp = 0;
  let flag = 0;
  let propertiesStart = -1;
  let propertiesEnd = -1;
  let reconsumeTimes: number | undefined;
  let unitMode = false;
  let maxReconsumeTimes: number | undefined;
  let batch = false;
  let bname: string | undefined;
  let seen = 0;
  for (let p = ext.start; p < ext.end; ) {
    const keyLength = readInt16(b, p);
    const key = b[p + 2]! - A;
    p += 2 + keyLength;
    const valueLength = readInt32(b, p);
    const start = p + 4;
    const end = start + valueLength;
    p = end;
    // An empty key or value is Java's null: the entry is absent. Keys other than a..n are not the header's.
    if (keyLength !== 1 || valueLength === 0 || key < 0 || key > 13) continue;
    const bit = 1 << key;
    if ((seen & bit) !== 0) return null;
    seen |= bit;
    switch (key) {
      case 0: producerGroup = readUtf8(b, start, end); continue;
      case 1: topic = readUtf8(b, start, end); continue;
      case 2: defaultTopic = readUtf8(b, start, end); continue;
      case 8: propertiesStart = start; propertiesEnd = end; continue;
      case 13: bname = readUtf8(b, start, end); continue;
      case 10:
      case 12: {
        const value = javaBoolean(b, start, end);
        if (value === null) return null;
        if (key === 10) unitMode = value;
        else batch = value;
        continue;
      }
      case 6:
        bornTimestamp = decimal(b, start, end, 15);
        if (Number.isNaN(bornTimestamp)) return null;
        continue;
    }
    const n = decimal(b, start, end, 10);
    if (!(n >= -2147483648 && n <= 2147483647)) return null;
    if (key === 3) defaultTopicQueueNums = n;
    else if (key === 4) queueId = n;
    else if (key === 5) sysFlag = n;
    else if (key === 7) flag = n;
    else if (key === 9) reconsumeTimes = n;
    else maxReconsumeTimes = n;
  }
  if ((seen & REQUIRED) !== REQUIRED) return null;
  const header: SendHeader = { producerGroup, topic, defaultTopic, defaultTopicQueueNums, queueId, sysFlag, bornTimestamp, flag, unitMode, batch };
  // Absent optional fields stay absent, as the generic decoder leaves them.
  if (reconsumeTimes !== undefined) header.reconsumeTimes = reconsumeTimes;
  if (maxReconsumeTimes !== undefined) header.maxReconsumeTimes = maxReconsumeTimes;
  if (bname !== undefined) header.bname = bname;
  return { header, bytes: b, propertiesStart, propertiesEnd };
}

/** `b[start, end)` as an optional minus and at most `maxDigits` ASCII digits, else NaN. */
function decimal(b: Uint8Array, start: number, end: number, maxDigits: number): number {
  const negative = b[start] === 0x2d;
  let i = negative ? start + 1 : start;
  if (i === end || end - i > maxDigits) return Number.NaN;
  let n = 0;
  for (; i < end; i++) {
    const digit = b[i]! - 0x30;
    if (digit < 0 || digit > 9) return Number.NaN;
    n = n * 10 + digit;
  }
  return negative ? 0 - n : n; // 0 - n: "-0" is 0, as Java has it
}

/** Java's Boolean.parseBoolean of ASCII `b[start, end)` ("true" in any case); null for other text, which the generic decoder lowercases. */
function javaBoolean(b: Uint8Array, start: number, end: number): boolean | null {
  let lower = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x80) return null;
    if (end - start === 4) lower = (lower << 8) | (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
  }
  return end - start === 4 && lower === 0x74727565; // "true"
}
