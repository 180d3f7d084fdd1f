import type { Random } from "./random.ts";

/** Lead, continuation, overlong, surrogate and out-of-range bytes, more often than chance gives them. */
const TRICKY_BYTES = [0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0];
/** ASCII, two- and three-byte characters, and the edges between them. */
const TRICKY_UNITS = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0x4e2d, 0xfffd, 0xffff];
const SURROGATES = [0xd800, 0xdbff, 0xdc00, 0xdfff];

/** `length` bytes, mostly not valid UTF-8: what a decoder must replace exactly as TextDecoder does. */
export function brokenUtf8(rng: Random, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => (rng.bool(0.5) ? rng.pick(TRICKY_BYTES) : rng.int(0, 255)));
}

/**
 * `length` UTF-16 units of text with every UTF-8 length in it, surrogate pairs, and, with
 * `loneSurrogates`, unpaired surrogates (which UTF-8 writers turn into U+FFFD).
 */
export function trickyText(rng: Random, length: number, loneSurrogates: boolean): string {
  let s = "";
  while (s.length < length) {
    if (rng.bool(0.1)) s += "\u{1f600}";
    else if (loneSurrogates && rng.bool(0.1)) s += String.fromCharCode(rng.pick(SURROGATES));
    else s += String.fromCharCode(rng.bool(0.5) ? rng.pick(TRICKY_UNITS) : rng.int(0, 0xd7ff));
  }
  return s;
}
