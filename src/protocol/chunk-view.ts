/** A DataView of exactly `b`'s bytes: offsets into `b` are offsets into it. */
export function dataViewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Below this many bytes an array gets no DataView for word loads. It holds one or a few frames,
 * and the view would cost more than its word loads save (about 20 ns a JSON header): on Bun,
 * making it makes the runtime give a received chunk its ArrayBuffer object (0.5-2 µs, see below).
 */
const DATA_VIEW_MIN_BYTES = 1024;

/** A DataView of `b` for word loads (dataViewOf), or null when `b` is too small for one to pay. */
export function wordViewOf(b: Uint8Array): DataView | null {
  return b.length < DATA_VIEW_MIN_BYTES ? null : dataViewOf(b);
}

/**
 * The chunk a FrameDecoder is decoding, as its frames' decoders want it: a DataView for word-sized
 * reads, made once per chunk and only when a JSON header asks (its fragments are compared a word
 * per load), and the decoder's rule for bodies (copyBodiesUpTo).
 *
 * It never reads the chunk's ArrayBuffer: on Bun, a received chunk gets its ArrayBuffer object only
 * when asked for it, which costs 0.5-2 µs per chunk (timed in a Bun socket's data handler, 100 B to
 * 30 KB chunks), as much as the rest of a small request's decoding and answer. Body views ask for
 * it, when their body is read.
 *
 * The decoder describes each chunk before decoding it and clears the description after, so that no
 * chunk is kept beyond its own decoding.
 */
export class ChunkView {
  #bytes: Uint8Array | null = null;
  #view: DataView | null = null;

  constructor(
    /** Bodies of at most this many bytes are handed out as copies (see FrameDecoderOptions.copyBodiesUpTo). */
    readonly copyBodiesUpTo = 0,
  ) {}

  /** Describes `b` from now on. */
  describe(b: Uint8Array): void {
    this.#bytes = b;
    this.#view = null;
  }

  /** wordViewOf the described array, made once per array: a DataView of exactly its bytes, or null for a small one. */
  dataView(): DataView | null {
    return (this.#view ??= wordViewOf(this.#bytes!));
  }

  /** Lets go of the chunk. */
  clear(): void {
    this.#bytes = null;
    this.#view = null;
  }
}
