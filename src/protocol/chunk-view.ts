/** A DataView of exactly `b`'s bytes: offsets into `b` are offsets into it. */
export function dataViewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const NO_BYTES = new ArrayBuffer(0);

/**
 * The chunk a FrameDecoder is decoding, as its frames' decoders want it, found once per chunk
 * instead of once per frame: its ArrayBuffer and offset, on which every lazy body view is made (a
 * 64 B ROCKETMQ frame decoded and its body read: 69 -> 58 ns), and a DataView for word-sized reads,
 * made only when a JSON header asks (its fragments are compared a word per load).
 *
 * The decoder describes each chunk before decoding it and clears the description after, so that no
 * chunk is kept beyond its own decoding.
 */
export class ChunkView {
  #bytes: Uint8Array | null = null;
  #view: DataView | null = null;
  /** The described array's ArrayBuffer (plain fields, read per frame: no getter call to inline). */
  buffer: ArrayBufferLike = NO_BYTES;
  /** Where the described array starts in its ArrayBuffer. */
  byteOffset = 0;

  /** Describes `b` from now on. */
  describe(b: Uint8Array): void {
    this.#bytes = b;
    this.buffer = b.buffer;
    this.byteOffset = b.byteOffset;
    this.#view = null;
  }

  /** A DataView of exactly the described array's bytes. */
  dataView(): DataView {
    return (this.#view ??= dataViewOf(this.#bytes!));
  }

  /** Lets go of the chunk. */
  clear(): void {
    this.#bytes = null;
    this.buffer = NO_BYTES;
    this.#view = null;
  }
}
