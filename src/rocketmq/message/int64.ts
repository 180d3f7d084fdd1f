import { RemotingCommandError } from "../../errors.ts";

/*
 * Java longs in binary records (big-endian int64) as JavaScript numbers: offsets and timestamps stay
 * far below 2^53, and a number costs nothing to create where a bigint is an allocation. A value
 * that does not fit is refused by name rather than rounded.
 */

const TWO_32 = 4294967296;

/** The big-endian int64 at `b[p]`; a RemotingCommandError naming `what` if beyond ±(2^53 - 1). */
export function readInt64(b: Uint8Array, p: number, what: string): number {
  const hi = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  const lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
  // |hi| < 2^21 keeps hi * 2^32 + lo exact.
  if (hi >= 0x200000 || hi < -0x200000) {
    throw new RemotingCommandError(`${what} does not fit a safe integer (high word 0x${(hi >>> 0).toString(16)})`);
  }
  return hi * TWO_32 + lo;
}

/** Writes `v` (a safe integer or a bigint within int64) big-endian at `b[p]`. */
export function writeInt64(b: Uint8Array, p: number, v: number | bigint, what: string): void {
  let hi: number;
  let lo: number;
  if (typeof v === "bigint") {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new TypeError(`${what}: ${v} is not an int64`);
    hi = Number(BigInt.asIntN(32, v >> 32n));
    lo = Number(BigInt.asUintN(32, v));
  } else {
    if (!Number.isSafeInteger(v)) throw new TypeError(`${what}: ${v} is not a safe integer`);
    hi = Math.floor(v / TWO_32);
    lo = v - hi * TWO_32;
  }
  b[p] = hi >>> 24;
  b[p + 1] = hi >>> 16;
  b[p + 2] = hi >>> 8;
  b[p + 3] = hi;
  b[p + 4] = lo >>> 24;
  b[p + 5] = lo >>> 16;
  b[p + 6] = lo >>> 8;
  b[p + 7] = lo;
}
