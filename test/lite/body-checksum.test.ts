import { expect, test } from "bun:test";
import { storedBodyCrc32 } from "../../src/lite/body-checksum.ts";
import { bodyCrc32 } from "../../src/rocketmq/body-crc32.ts";
import { Random } from "../helpers/random.ts";

test("a stored body's checksum is bodyCrc32's (Java's UtilAll.crc32), for any length and any view", () => {
  expect(storedBodyCrc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926 & 0x7fffffff);
  expect(storedBodyCrc32(new Uint8Array(0))).toBe(0);
  const rng = new Random(77);
  for (let i = 0; i < 2_000; i++) {
    const bytes = rng.bytes(rng.int(0, 3_000));
    const at = rng.int(0, Math.min(16, bytes.length));
    const view = bytes.subarray(at);
    expect(storedBodyCrc32(view)).toBe(bodyCrc32(view));
  }
});
