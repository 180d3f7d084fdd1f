import { describe, expect, test } from "bun:test";
import { ChunkView, dataViewOf } from "../../src/protocol/chunk-view.ts";

describe("ChunkView", () => {
  const backing = new Uint8Array(64).map((_, i) => i);
  const a = backing.subarray(8, 40);
  const b = backing.subarray(20, 30);

  test("describes the array it is asked about: its buffer, its offset, a DataView whose offsets are the array's", () => {
    const chunk = new ChunkView();
    expect(chunk.buffer(a)).toBe(backing.buffer);
    expect(chunk.byteOffset(a)).toBe(8);
    const view = chunk.dataView(a);
    expect(view.byteLength).toBe(a.length);
    expect(view.getUint8(0)).toBe(8);
    expect(view.getInt32(4, true)).toBe(new DataView(backing.buffer).getInt32(12, true));
    expect(chunk.dataView(a)).toBe(view); // one view per chunk, however many frames ask
  });

  test("another array, or the same one after clear(), is described afresh", () => {
    const chunk = new ChunkView();
    const first = chunk.dataView(a);
    expect(chunk.byteOffset(b)).toBe(20);
    expect(chunk.dataView(b).getUint8(0)).toBe(20);
    chunk.clear();
    const again = chunk.dataView(a);
    expect(again).not.toBe(first);
    expect(again.getUint8(0)).toBe(8);
  });

  test("dataViewOf covers exactly the array's bytes", () => {
    const view = dataViewOf(b);
    expect(view.byteOffset).toBe(20);
    expect(view.byteLength).toBe(10);
    expect(() => view.getUint8(10)).toThrow(RangeError);
  });
});
