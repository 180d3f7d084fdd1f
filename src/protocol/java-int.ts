const DECIMAL = /^[+-]?\d+$/;

/** Whether `text` is what Java's Integer.parseInt and Long.parseLong read: an optional sign and ASCII digits. */
export function isJavaDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/**
 * Java's Integer.parseInt of decimal text: an optional sign, digits, within int32; undefined for
 * anything else. What headers, message properties and route configs carry as ints. Only ASCII
 * digits: Java also reads other scripts' digits, which no RocketMQ peer writes.
 */
export function parseJavaInt(text: string): number | undefined {
  if (text.length === 1) {
    const digit = text.charCodeAt(0) - 0x30; // most ints on the wire are one digit: no regex, no Number()
    if (digit >= 0 && digit <= 9) return digit;
  }
  if (!isJavaDecimal(text)) return undefined;
  const n = Number(text) + 0; // + 0: "-0" is 0, as Java has it
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/**
 * The ASCII decimal `b[start, end)`: an optional minus and 1 to `maxDigits` digits, else NaN. For
 * readers of header fields straight from received bytes; stricter than parseJavaInt (no plus
 * sign, no more digits than asked), so a caller leaves anything else to the string decoders.
 */
export function plainDecimalBytes(b: Uint8Array, start: number, end: number, maxDigits: number): number {
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
