/** A DataView of exactly `b`'s bytes: offsets into `b` are offsets into it. */
export function dataViewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * What the decoders read a chunk through, found once per chunk instead of once per frame: its
 * ArrayBuffer and offset (every lazy body view is made on them; the getters cost a server 2-3% of
 * its time in a 64 B pipelined echo), and a DataView for word-sized reads, made only when a JSON
 * header asks (a frame's header fragments are compared a word per load: 30 ns less a frame).
 *
 * A FrameDecoder owns one and clears it after each chunk, so that no chunk is kept beyond its own
 * decoding. Calls for another array than the one described start over with that array.
 */
export class ChunkView {
  #bytes: Uint8Array | null = null;
  #buffer: ArrayBufferLike | null = null;
  #byteOffset = 0;
  #view: DataView | null = null;

  #describe(b: Uint8Array): void {
    this.#bytes = b;
    this.#buffer = b.buffer;
    this.#byteOffset = b.byteOffset;
    this.#view = null;
  }

  /** The ArrayBuffer under `b`. */
  buffer(b: Uint8Array): ArrayBufferLike {
    if (b !== this.#bytes) this.#describe(b);
    return this.#buffer!;
  }

  /** Where `b` starts in its ArrayBuffer. */
  byteOffset(b: Uint8Array): number {
    if (b !== this.#bytes) this.#describe(b);
    return this.#byteOffset;
  }

  /** A DataView of exactly `b`'s bytes: offsets into `b` are offsets into it. */
  dataView(b: Uint8Array): DataView {
    if (b !== this.#bytes) this.#describe(b);
    return (this.#view ??= dataViewOf(b));
  }

  /** Lets go of the chunk. */
  clear(): void {
    this.#bytes = null;
    this.#buffer = null;
    this.#view = null;
  }
}
