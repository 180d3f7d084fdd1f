import { MessageConst } from "../rocketmq/message/message-const.ts";

/**
 * A single sent message's properties as it is stored, worked out on the properties string itself:
 * what decoding it, dropping WAIT, setting CLUSTER and encoding it again would give, without the
 * object in between (0.15 of the 2.65 us a send's decode and store took in process). `tags` is its
 * TAGS, for the queue's tag hash; it has no DELAY (see storedSingleProperties).
 */
export class StoredPropertiesText {
  constructor(
    readonly text: string,
    readonly tags: string | undefined,
  ) {}
}

const PAIR = "\u0001";
const SEPARATOR = "\u0002";
const CLUSTER_PAIR = `${MessageConst.PROPERTY_CLUSTER}${PAIR}`;
/** More pairs than this go the long way (the duplicate check compares every pair of names). */
const MAX_PAIRS = 32;
const nameStarts = new Int32Array(MAX_PAIRS);
const nameEnds = new Int32Array(MAX_PAIRS);

/**
 * `sent` with WAIT dropped and CLUSTER=`clusterName` added last, as the object path stores it, or
 * null when that path must run: a piece that is not one name and one value (decoding would drop or
 * cut it), a name given twice or made of digits only (an object would keep one, or reorder it),
 * CLUSTER already there (it would keep its place), or a DELAY (the message is parked first).
 */
export function storedSingleProperties(sent: string, clusterName: string): StoredPropertiesText | null {
  const length = sent.length;
  let text = "";
  let tags: string | undefined;
  let pairs = 0;
  for (let start = 0; start < length; ) {
    let end = sent.indexOf(SEPARATOR, start);
    if (end < 0) end = length;
    const split = sent.indexOf(PAIR, start);
    if (split <= start || split >= end - 1 || pairs === MAX_PAIRS) return null;
    const name = nameOf(sent, start, split);
    if (name === null) return null;
    for (let p = 0; p < pairs; p++) if (sameName(sent, nameStarts[p]!, nameEnds[p]!, start, split)) return null;
    nameStarts[pairs] = start;
    nameEnds[pairs] = split;
    pairs++;
    if (name === MessageConst.PROPERTY_TAGS) tags = sent.slice(split + 1, end);
    if (name !== MessageConst.PROPERTY_WAIT_STORE_MSG_OK) text += (text === "" ? "" : SEPARATOR) + sent.slice(start, end);
    start = end + 1;
  }
  return new StoredPropertiesText(`${text}${text === "" ? "" : SEPARATOR}${CLUSTER_PAIR}${clusterName}`, tags);
}

/**
 * The name `sent[start, end)` when it is one of the few this path reads (TAGS, WAIT); "" for any
 * other name it may keep as it is; null for one it may not (CLUSTER, DELAY, digits only).
 */
function nameOf(sent: string, start: number, end: number): string | null {
  if (isName(sent, start, end, MessageConst.PROPERTY_TAGS)) return MessageConst.PROPERTY_TAGS;
  if (isName(sent, start, end, MessageConst.PROPERTY_WAIT_STORE_MSG_OK)) return MessageConst.PROPERTY_WAIT_STORE_MSG_OK;
  if (isName(sent, start, end, MessageConst.PROPERTY_CLUSTER) || isName(sent, start, end, MessageConst.PROPERTY_DELAY_TIME_LEVEL)) return null;
  for (let i = start; i < end; i++) {
    const c = sent.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return "";
  }
  return null;
}

/** Whether `sent[start, end)` is `name`, compared in place (no string cut out per message). */
function isName(sent: string, start: number, end: number, name: string): boolean {
  return end - start === name.length && sent.startsWith(name, start);
}

function sameName(sent: string, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (sent.charCodeAt(aStart + i) !== sent.charCodeAt(bStart + i)) return false;
  return true;
}
