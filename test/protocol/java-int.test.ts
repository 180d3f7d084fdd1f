import { describe, expect, test } from "bun:test";
import { parseJavaInt } from "../../src/protocol/java-int.ts";

describe("parseJavaInt (Java's Integer.parseInt of decimal text)", () => {
  test("signed decimal ints read as Java reads them, -0 as 0", () => {
    const cases: [string, number][] = [["0", 0], ["7", 7], ["+7", 7], ["-7", -7], ["007", 7], ["-0", 0], ["2147483647", 2147483647], ["-2147483648", -2147483648]];
    for (const [text, n] of cases) expect(Object.is(parseJavaInt(text), n)).toBe(true);
  });

  test("anything Java would refuse is undefined: out of int32, not decimal, empty, spaced", () => {
    for (const text of ["2147483648", "-2147483649", "9".repeat(400), "", "+", "-", "1.5", "1e3", "0x10", " 1", "1 ", "x", "٣", "Infinity", "NaN"]) {
      expect(parseJavaInt(text)).toBeUndefined();
    }
  });

  test("the one-character path and the general one agree on every character", () => {
    for (let c = 0; c < 0x10000; c++) {
      const text = String.fromCharCode(c);
      expect(parseJavaInt(text)).toBe(c >= 0x30 && c <= 0x39 ? c - 0x30 : undefined);
    }
  });
});
