import { RemotingCommandError } from "../../errors.ts";

/** Upper-case hex digits, as Java's UtilAll.bytes2string writes them. */
export const HEX_DIGITS = "0123456789ABCDEF";

/** `b[start, end)` as upper-case hex (UtilAll.bytes2string). */
export function bytesToHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = "";
  for (let i = start; i < end; i++) {
    const v = b[i]!;
    s += HEX_DIGITS[v >>> 4]! + HEX_DIGITS[v & 15]!;
  }
  return s;
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
