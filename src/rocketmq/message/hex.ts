import { RemotingCommandError } from "../../errors.ts";
import { asciiText } from "../../protocol/utf8.ts";

/** Upper-case hex digits, as Java's UtilAll.bytes2string writes them. */
const HEX_DIGITS = "0123456789ABCDEF";

/** The character codes of HEX_DIGITS. */
const HEX_DIGIT_CODES = Uint8Array.from(HEX_DIGITS, (c) => c.charCodeAt(0));
/** Where the digits are spelt before one call makes them a string (a string built a character at a time costs several times more). */
let spelt = new Uint8Array(64);
/** The scratch grows up to this (ids are tens of digits); longer hex gets a buffer of its own. */
const SPELT_KEPT = 4096;

/** Writes the hex digits of `b[start, end)` as character codes into `out` from `at` (two per byte). */
export function spellHexBytes(out: Uint8Array, at: number, b: Uint8Array, start = 0, end = b.length): void {
  for (let i = start, j = at; i < end; i++, j += 2) {
    const v = b[i]!;
    out[j] = HEX_DIGIT_CODES[v >>> 4]!;
    out[j + 1] = HEX_DIGIT_CODES[v & 15]!;
  }
}

/** Writes the low `digits` hex digits of `value` as character codes into `out` from `at`. */
export function spellHexInt(out: Uint8Array, at: number, value: number, digits: number): void {
  for (let i = digits - 1; i >= 0; i--, value >>>= 4) out[at + i] = HEX_DIGIT_CODES[value & 15]!;
}

/** `b[start, end)` as upper-case hex (UtilAll.bytes2string). */
export function bytesToHex(b: Uint8Array, start = 0, end = b.length): string {
  const length = 2 * Math.max(0, end - start);
  if (spelt.length < length && length <= SPELT_KEPT) spelt = new Uint8Array(length);
  const out = spelt.length >= length ? spelt : new Uint8Array(length);
  spellHexBytes(out, 0, b, start, end);
  return asciiText(out, 0, length);
}

function nibble(text: string, i: number, what: string): number {
  const c = text.charCodeAt(i);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const upper = c & ~0x20;
  if (upper >= 0x41 && upper <= 0x46) return upper - 0x37;
  throw new RemotingCommandError(`${what}: "${text}" is not hex (character ${i})`);
}

/**
 * The bytes of a hex string, either case (UtilAll.string2bytes). Unlike Java, which turns a bad
 * digit into garbage, a non-hex character or an odd length is a RemotingCommandError naming `what`.
 */
export function hexToBytes(text: string, what: string): Uint8Array {
  if (text.length % 2 !== 0) throw new RemotingCommandError(`${what}: "${text}" has an odd number of hex digits`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (nibble(text, 2 * i, what) << 4) | nibble(text, 2 * i + 1, what);
  return out;
}
