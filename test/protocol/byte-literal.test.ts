import { describe, expect, test } from "bun:test";
import { ByteLiteral } from "../../src/protocol/byte-literal.ts";
import { dataViewOf } from "../../src/protocol/chunk-view.ts";
import { Random } from "../helpers/random.ts";

describe("ByteLiteral.at", () => {
  const texts = ['{"code":', ',"extFields":{', "é€", "abc", "abcd", "abcde"];

  test("through a DataView and from bytes alike: a match at any offset, and a miss for any single changed byte or a cut end", () => {
    const rng = new Random(11);
    for (const text of texts) {
      const literal = new ByteLiteral(text);
      const bytes = new TextEncoder().encode(text);
      for (let round = 0; round < 200; round++) {
        const at = rng.int(0, 9);
        const b = new Uint8Array(at + bytes.length + rng.int(0, 5)).map(() => rng.int(0, 255));
        b.set(bytes, at);
        const changed = rng.bool(0.5) ? rng.int(0, bytes.length - 1) : -1;
        if (changed >= 0) b[at + changed]! ^= 1 << rng.int(0, 7);
        const end = rng.bool(0.2) ? at + bytes.length - 1 : b.length;
        const expected = changed < 0 && end >= at + bytes.length;
        expect(literal.at(dataViewOf(b), b, at, end)).toBe(expected);
        expect(literal.at(null, b, at, end)).toBe(expected);
      }
    }
  });
});
