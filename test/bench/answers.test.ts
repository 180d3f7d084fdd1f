import { describe, expect, test } from "bun:test";
import { FixedAnswers, PrefixedAnswers, type AnswerCounter } from "../../bench/e2e/drivers/answers.ts";
import { concatBytes } from "../../src/protocol/byte-writer.ts";
import { int32 } from "../helpers/raw-frames.ts";
import { Random } from "../helpers/random.ts";

/** `stream` cut at random points (single bytes among them); the count after each chunk. */
function countChunked(counter: AnswerCounter, stream: Uint8Array, rng: Random): number[] {
  const counts: number[] = [];
  for (let at = 0; at < stream.length; ) {
    const n = Math.min(stream.length - at, rng.bool(0.3) ? 1 : rng.int(1, 700));
    counts.push(counter.count(stream.subarray(at, at + n)));
    at += n;
  }
  return counts;
}

/** Frames with a length prefix, of the given content lengths, back to back. */
function prefixedStream(lengths: number[], rng: Random): Uint8Array {
  return concatBytes(lengths.flatMap((n) => [Uint8Array.from(int32(n)), rng.bytes(n)]));
}

describe("the raw clients' answer counters", () => {
  test("length-prefixed answers of any size are counted once each, however the stream is cut", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rng = new Random(seed);
      const lengths = Array.from({ length: rng.int(1, 40) }, () => (rng.bool(0.1) ? rng.int(0, 3) : rng.int(4, rng.bool(0.1) ? 5000 : 300)));
      const stream = prefixedStream(lengths, rng);
      const counter = new PrefixedAnswers();
      const counts = countChunked(counter, stream, rng);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(lengths.length);
    }
  });

  test("a length-prefixed answer cut short is not counted until its last byte arrives", () => {
    const cut = prefixedStream([10, 20], new Random(1));
    const counter = new PrefixedAnswers();
    expect([counter.count(cut.subarray(0, 14)), counter.count(cut.subarray(14, cut.length - 1)), counter.count(cut.subarray(cut.length - 1))]).toEqual([1, 0, 1]);
  });

  test("fixed-size answers are counted from the chunk lengths alone", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rng = new Random(seed);
      const size = rng.int(1, 500);
      const frames = rng.int(1, 60);
      const counts = countChunked(new FixedAnswers(size), new Uint8Array(size * frames + rng.int(0, size - 1)), rng);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(frames);
    }
  });
});
