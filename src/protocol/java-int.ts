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
