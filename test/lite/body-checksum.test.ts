import { expect, test } from "bun:test";
import { storedBodyCrc32 } from "../../src/lite/body-checksum.ts";
import { bodyCrc32 } from "../../src/rocketmq/body-crc32.ts";
import { Random } from "../helpers/random.ts";

test("a stored body's checksum is bodyCrc32's (Java's UtilAll.crc32), for any length and any view of a larger buffer", () => {
  const rng = new Random(77);
  const buffer = rng.bytes(4_096);
  for (let i = 0; i < 2_000; i++) {
    const start = rng.int(0, 64);
    const view = buffer.subarray(start, start + rng.int(0, 3_000));
    expect(storedBodyCrc32(view)).toBe(bodyCrc32(view));
  }
});
