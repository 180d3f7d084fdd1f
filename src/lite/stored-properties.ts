import { copyBytes } from "../protocol/alloc.ts";
import { ByteLiteral } from "../protocol/byte-literal.ts";
import { maxUtf8Length, readUtf8, utf8Bytes, writeUtf8 } from "../protocol/utf8.ts";
import { MessageConst } from "../rocketmq/message/message-const.ts";

/**
 * A single sent message's properties as it is stored, worked out on the sent properties' bytes:
 * what decoding them, dropping WAIT, setting CLUSTER and encoding them again would give, without
 * the object in between. `tags` is its TAGS, for the queue's tag hash; it has no DELAY (see
 * storedPropertiesOfBytes).
 */
export class StoredProperties {
  constructor(
    /** The record's properties, encoded. */
    readonly bytes: Uint8Array,
    readonly tags: string | undefined,
  ) {}
}

const PAIR = 0x01;
const SEPARATOR = 0x02;
const TAGS = new ByteLiteral(MessageConst.PROPERTY_TAGS);
const WAIT = new ByteLiteral(MessageConst.PROPERTY_WAIT_STORE_MSG_OK);
const CLUSTER = new ByteLiteral(MessageConst.PROPERTY_CLUSTER);
const DELAY = new ByteLiteral(MessageConst.PROPERTY_DELAY_TIME_LEVEL);
/** More pairs than this go the long way (the duplicate check compares every pair of names). */
const MAX_PAIRS = 32;
const nameStarts = new Int32Array(MAX_PAIRS);
const nameEnds = new Int32Array(MAX_PAIRS);
/** A name this path reads, or may not keep as it is. */
const KEPT = 0;
const IS_TAGS = 1;
const IS_WAIT = 2;
const REFUSED = 3;

/**
 * The stored form of the properties sent as `b[start, end)` in a send's header: WAIT dropped and
 * CLUSTER=`clusterName` added last, as the object path stores them, or null when that path must
 * run: a piece that is not one name and one value (decoding would drop or cut it), a name given
 * twice or made of digits only (an object would keep one, or reorder it), CLUSTER already there (it
 * would keep its place), or a DELAY (the message is parked first). Text that is not ASCII is
 * decoded first (invalid UTF-8 decodes to U+FFFD, which can make two names one) and goes the
 * string's way.
 */
export function storedPropertiesOfBytes(b: Uint8Array, start: number, end: number, clusterName: string): StoredProperties | null {
  return storedOf(b, start, end, clusterName, true) ?? (isAscii(b, start, end) ? null : storedSingleProperties(readUtf8(b, start, end), clusterName));
}

/** storedPropertiesOfBytes for properties sent as a string (a JSON header's). */
export function storedSingleProperties(sent: string, clusterName: string): StoredProperties | null {
  // A lone surrogate encodes as U+FFFD, which would change a TAGS value's hash.
  if (!(sent as unknown as { isWellFormed(): boolean }).isWellFormed()) return null;
  const room = maxUtf8Length(sent);
  let bytes = scratch;
  if (room > bytes.length) {
    bytes = new Uint8Array(room);
    if (room <= SCRATCH_KEPT) scratch = bytes;
  }
  return storedOf(bytes, 0, writeUtf8(bytes, 0, sent), clusterName, false);
}

/** Where storedSingleProperties encodes the string it works on (what it returns is a copy); kept up to SCRATCH_KEPT bytes. */
let scratch = new Uint8Array(1024);
/** A record's properties take at most 32 767 bytes: a larger string gets a buffer of its own, not kept. */
const SCRATCH_KEPT = 3 * 32 * 1024;

/** The work of both: `b[start, end)` is ASCII when `asciiOnly` (else null), or valid UTF-8. */
function storedOf(b: Uint8Array, start: number, end: number, clusterName: string, asciiOnly: boolean): StoredProperties | null {
  let tags: string | undefined;
  let pairs = 0;
  // The WAIT piece, [waitStart, waitEnd), if any: the one piece dropped.
  let waitStart = -1;
  let waitEnd = -1;
  let piece = start;
  while (piece < end) {
    let split = -1;
    let next = piece;
    for (; next < end; next++) {
      const c = b[next]!;
      if (c === SEPARATOR) break;
      if (c === PAIR && split < 0) split = next;
      else if (c >= 0x80 && asciiOnly) return null;
    }
    if (split <= piece || split >= next - 1 || pairs === MAX_PAIRS) return null;
    const name = nameOf(b, piece, split);
    if (name === REFUSED) return null;
    for (let p = 0; p < pairs; p++) if (sameBytes(b, nameStarts[p]!, nameEnds[p]!, piece, split)) return null;
    nameStarts[pairs] = piece;
    nameEnds[pairs] = split;
    pairs++;
    if (name === IS_TAGS) tags = readUtf8(b, split + 1, next);
    else if (name === IS_WAIT) {
      waitStart = piece;
      waitEnd = next;
    }
    piece = next + 1;
  }
  // A trailing separator ends no piece: decoding drops it, and so does the stored form.
  const last = piece === end && end > start ? end - 1 : end;
  return new StoredProperties(kept(b, start, last, waitStart, waitEnd, clusterSuffix(clusterName)), tags);
}

/** `b[start, end)` without its piece `[cutStart, cutEnd)` (none: -1) and a separator next to it, then `suffix` (a separator and the CLUSTER piece). */
function kept(b: Uint8Array, start: number, end: number, cutStart: number, cutEnd: number, suffix: Uint8Array): Uint8Array {
  let headEnd = end;
  let tailStart = end;
  if (cutStart === start) {
    headEnd = start;
    tailStart = Math.min(cutEnd + 1, end);
  } else if (cutStart > start) {
    headEnd = cutStart - 1;
    tailStart = cutEnd;
  }
  const head = headEnd - start;
  const length = head + (end - tailStart);
  if (length === 0) return suffix.slice(1);
  const out = new Uint8Array(length + suffix.length);
  copyBytes(b, start, headEnd, out, 0);
  copyBytes(b, tailStart, end, out, head);
  out.set(suffix, length);
  return out;
}

/** The separator and CLUSTER piece appended for `clusterName`, encoded once per name (a broker has one). */
let lastCluster: string | null = null;
let lastSuffix: Uint8Array = new Uint8Array(0);
function clusterSuffix(clusterName: string): Uint8Array {
  if (clusterName !== lastCluster) {
    lastCluster = clusterName;
    lastSuffix = utf8Bytes(`\u0002${MessageConst.PROPERTY_CLUSTER}\u0001${clusterName}`);
  }
  return lastSuffix;
}

/** What the name `b[start, end)` is to this path: TAGS or WAIT (read), another it keeps, or one it may not (CLUSTER, DELAY, digits only). */
function nameOf(b: Uint8Array, start: number, end: number): number {
  if (isName(b, start, end, TAGS)) return IS_TAGS;
  if (isName(b, start, end, WAIT)) return IS_WAIT;
  if (isName(b, start, end, CLUSTER) || isName(b, start, end, DELAY)) return REFUSED;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) return KEPT;
  }
  return REFUSED;
}

/** Whether the name `b[start, end)` is `name` (a short array: no DataView for it). */
function isName(b: Uint8Array, start: number, end: number, name: ByteLiteral): boolean {
  return end - start === name.length && name.at(null, b, start, end);
}

function sameBytes(b: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (b[aStart + i] !== b[bStart + i]) return false;
  return true;
}

function isAscii(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return false;
  return true;
}
