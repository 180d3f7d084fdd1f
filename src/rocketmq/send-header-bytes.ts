import { readInt16, readInt32 } from "../protocol/byte-writer.ts";
import { undecodedExtFields, type RemotingCommand } from "../protocol/remoting-command.ts";
import { plainDecimalBytes } from "../protocol/java-int.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { readUtf8, utf8Bytes } from "../protocol/utf8.ts";
import { MessageConst } from "./message/message-const.ts";
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
/** Digits an int may have here (more go to the generic decoder, which checks the range); a long's (exact as a number). */
const INT_DIGITS = 10;
const LONG_DIGITS = 15;
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
        bornTimestamp = plainDecimalBytes(b, start, end, LONG_DIGITS);
        if (Number.isNaN(bornTimestamp)) return null;
        continue;
    }
    const n = plainDecimalBytes(b, start, end, INT_DIGITS);
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

/** A send's answer header as processSendResponse reads it, read from its bytes. */
export interface SendResponseFields {
  readonly offsetMsgId: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly transactionId: string | undefined;
  /** MSG_REGION, undefined when absent. */
  readonly region: string | undefined;
  /** Whether TRACE_ON is "false". */
  readonly traceOff: boolean;
}

const MSG_ID = utf8Bytes("msgId");
const QUEUE_ID = utf8Bytes("queueId");
const QUEUE_OFFSET = utf8Bytes("queueOffset");
const TRANSACTION_ID = utf8Bytes("transactionId");
const MSG_REGION = utf8Bytes(MessageConst.PROPERTY_MSG_REGION);
const TRACE_ON = utf8Bytes(MessageConst.PROPERTY_TRACE_SWITCH);
const FALSE = utf8Bytes("false");

/**
 * A send's answer header read straight from the received ROCKETMQ ext fields, as
 * readSendHeaderV2Bytes reads a request's: null whenever the generic reading must decide (ext
 * fields already decoded or not received as bytes, a field given twice, msgId, queueId or
 * queueOffset missing or not plain digits), so where this answers, it answers as that reading does.
 */
export function readSendResponseBytes(response: RemotingCommand): SendResponseFields | null {
  const ext = undecodedExtFields(response);
  if (ext === null) return null;
  const b = ext.bytes;
  let offsetMsgId: string | undefined;
  let queueId = Number.NaN;
  let queueOffset = Number.NaN;
  let transactionId: string | undefined;
  let region: string | undefined;
  let traceOff = false;
  let seen = 0;
  for (let p = ext.start; p < ext.end; ) {
    const keyStart = p + 2;
    const keyEnd = keyStart + readInt16(b, p);
    const valueLength = readInt32(b, keyEnd);
    const start = keyEnd + 4;
    const end = start + valueLength;
    p = end;
    if (valueLength === 0) continue; // Java's null: absent
    const field = responseField(b, keyStart, keyEnd);
    if (field < 0) continue;
    if ((seen & (1 << field)) !== 0) return null;
    seen |= 1 << field;
    if (field === 0) offsetMsgId = readUtf8(b, start, end);
    else if (field === 1) queueId = plainDecimalBytes(b, start, end, INT_DIGITS);
    else if (field === 2) queueOffset = plainDecimalBytes(b, start, end, LONG_DIGITS);
    else if (field === 3) transactionId = readUtf8(b, start, end);
    else if (field === 4) region = readUtf8(b, start, end);
    else traceOff = sameBytes(b, start, end, FALSE);
  }
  if (offsetMsgId === undefined || !(queueId >= -2147483648 && queueId <= 2147483647) || Number.isNaN(queueOffset)) return null;
  return { offsetMsgId, queueId, queueOffset, transactionId, region, traceOff };
}

/** Which field of the answer the key `b[start, end)` names (0 msgId ... 5 TRACE_ON), -1 for another. */
function responseField(b: Uint8Array, start: number, end: number): number {
  switch (end - start) {
    case 5: return sameBytes(b, start, end, MSG_ID) ? 0 : -1;
    case 7: return sameBytes(b, start, end, QUEUE_ID) ? 1 : -1;
    case 11: return sameBytes(b, start, end, QUEUE_OFFSET) ? 2 : -1;
    case 13: return sameBytes(b, start, end, TRANSACTION_ID) ? 3 : -1;
    case 10: return sameBytes(b, start, end, MSG_REGION) ? 4 : -1;
    case 8: return sameBytes(b, start, end, TRACE_ON) ? 5 : -1;
    default: return -1;
  }
}

function sameBytes(b: Uint8Array, start: number, end: number, text: Uint8Array): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[start + i] !== text[i]) return false;
  return true;
}
