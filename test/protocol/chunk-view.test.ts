import { describe, expect, test } from "bun:test";
import { ChunkView, dataViewOf } from "../../src/protocol/chunk-view.ts";

describe("ChunkView", () => {
  const backing = new Uint8Array(64).map((_, i) => i);
  const a = backing.subarray(8, 40);
  const b = backing.subarray(20, 30);

  test("describes the array it was given: its buffer, its offset, one DataView whose offsets are the array's", () => {
    const chunk = new ChunkView();
    chunk.describe(a);
    expect(chunk.buffer).toBe(backing.buffer);
    expect(chunk.byteOffset).toBe(8);
    const view = chunk.dataView();
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
    expect(chunk.byteOffset).toBe(20);
    expect(chunk.dataView()).not.toBe(first);
    expect(chunk.dataView().getUint8(0)).toBe(20);
    chunk.clear();
    expect(chunk.buffer).not.toBe(backing.buffer);
    expect(chunk.buffer.byteLength).toBe(0);
  });

  test("dataViewOf covers exactly the array's bytes", () => {
    const view = dataViewOf(b);
    expect(view.byteOffset).toBe(20);
    expect(view.byteLength).toBe(10);
    expect(() => view.getUint8(10)).toThrow(RangeError);
  });
});
