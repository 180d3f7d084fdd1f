import { describe, expect, test } from "bun:test";
import { ChunkView, dataViewOf, wordViewOf } from "../../src/protocol/chunk-view.ts";

describe("ChunkView", () => {
  const backing = new Uint8Array(4096).map((_, i) => i);
  const a = backing.subarray(8, 2048);
  const b = backing.subarray(20, 1100);

  test("one DataView per described array, whose offsets are the array's", () => {
    const chunk = new ChunkView();
    chunk.describe(a);
    const view = chunk.dataView()!;
    expect(view.byteLength).toBe(a.length);
    expect(view.getUint8(0)).toBe(8);
    expect(view.getInt32(4, true)).toBe(new DataView(backing.buffer).getInt32(12, true));
    expect(chunk.dataView()).toBe(view); // one view per chunk, however many frames ask
  });

  test("another array is described afresh, and clear() lets go of the last", () => {
    const chunk = new ChunkView();
    chunk.describe(a);
    const first = chunk.dataView();
    chunk.describe(b);
    expect(chunk.dataView()).not.toBe(first);
    expect(chunk.dataView()!.getUint8(0)).toBe(20);
    chunk.clear();
    expect(() => chunk.dataView()).toThrow(TypeError);
  });

  test("a small array (one or a few frames) gets no DataView: its frames assemble words from bytes", () => {
    const chunk = new ChunkView();
    chunk.describe(backing.subarray(0, 1023));
    expect(chunk.dataView()).toBeNull();
    chunk.describe(backing.subarray(0, 1024));
    expect(chunk.dataView()!.byteLength).toBe(1024);
  });

  test("wordViewOf: the same rule for an array decoded on its own", () => {
    expect(wordViewOf(backing.subarray(0, 1023))).toBeNull();
    expect(wordViewOf(backing.subarray(5, 1029))!.getUint8(0)).toBe(5);
  });

  test("carries the decoder's copy rule", () => {
    expect(new ChunkView().copyBodiesUpTo).toBe(0);
    expect(new ChunkView(256).copyBodiesUpTo).toBe(256);
  });

  test("dataViewOf covers exactly the array's bytes", () => {
    const view = dataViewOf(b);
    expect(view.byteOffset).toBe(20);
    expect(view.byteLength).toBe(1080);
    expect(() => view.getUint8(1080)).toThrow(RangeError);
  });
});
