import { RemotingCommandError } from "../errors.ts";
import { allocUninitialized } from "./alloc.ts";
import { readInt32 } from "./byte-writer.ts";
import { checkFrameLength, decodeFrameContent, DEFAULT_MAX_FRAME_LENGTH, FRAME_PREFIX_LENGTH, MAX_HEADER_LENGTH } from "./frame-codec.ts";
import type { RemotingCommand } from "./remoting-command.ts";

export interface FrameDecoderOptions {
  /** Largest accepted frame, 4-byte prefix included. Default 16 MiB, as in Java. */
  maxFrameLength?: number;
  /** Largest accepted header (its 24-bit length field); default: anything that fits the frame. */
  maxHeaderLength?: number;
  /**
   * Give ReceivedCommands, whose body view is made on first read (what RemotingServer and
   * RemotingClient use). Default false: plain commands with `body` set.
   */
  lazyBodies?: boolean;
}

/**
 * Turns a byte stream, chunked any way, into commands.
 *
 * Whole frames inside a chunk are decoded in place: their bodies are views into the chunk. A frame
 * that straddles chunks is reassembled once into a buffer of exactly its size, allocated only after
 * its length passed the limit check, so nothing unbounded is ever buffered. After a malformed frame
 * the decoder stays failed: every later push throws the same error (the connection is done).
 */
export class FrameDecoder {
  readonly maxFrameLength: number;
  readonly maxHeaderLength: number;
  private readonly lazyBodies: boolean;
  /** Reassembly buffer of the frame in progress (prefix excluded), and how much of it is filled. */
  private partial: Uint8Array | null = null;
  private partialFilled = 0;
  /** Up to 3 bytes of a length prefix that a chunk boundary cut. */
  private readonly prefix = new Uint8Array(FRAME_PREFIX_LENGTH);
  private prefixFilled = 0;
  private failure: RemotingCommandError | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    if (!Number.isInteger(max) || max < 8 || max > 0x7fffffff) {
      throw new RangeError(`maxFrameLength must be an integer between 8 and 2147483647, got ${max}`);
    }
    this.maxFrameLength = max;
    this.maxHeaderLength = options.maxHeaderLength ?? MAX_HEADER_LENGTH;
    this.lazyBodies = options.lazyBodies === true;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.partial === null ? this.prefixFilled : FRAME_PREFIX_LENGTH + this.partialFilled;
  }

  /** Decodes every frame the chunk completes. Throws RemotingCommandError on malformed input. */
  push(chunk: Uint8Array): RemotingCommand[] {
    const frames: RemotingCommand[] = [];
    this.feed(chunk, (cmd) => frames.push(cmd));
    return frames;
  }

  /**
   * Like push, but hands each command to `onFrame` as soon as it is decoded, so the frames before a
   * malformed one are delivered before the error is thrown. Any error (the input's, or one thrown
   * by `onFrame`) leaves the decoder failed, since the rest of that chunk was not consumed.
   */
  feed(chunk: Uint8Array, onFrame: (cmd: RemotingCommand) => void): void {
    if (this.failure !== null) throw this.failure;
    try {
      this.decodeChunk(chunk, onFrame);
    } catch (error) {
      this.partial = null;
      this.prefixFilled = 0;
      this.failure =
        error instanceof RemotingCommandError
          ? error
          : new RemotingCommandError(`frame consumer failed: ${(error as Error)?.message ?? error}`, { cause: error });
      throw error;
    }
  }

  private decodeChunk(chunk: Uint8Array, onFrame: (cmd: RemotingCommand) => void): void {
    const n = chunk.length;
    let off = 0;
    if (this.partial !== null || this.prefixFilled > 0) {
      off = this.continueFrame(chunk);
      if (off < 0) return;
      const frame = this.partial!;
      this.partial = null;
      onFrame(decodeFrameContent(frame, 0, frame.length, this.lazyBodies, this.maxHeaderLength));
    }
    const max = this.maxFrameLength;
    while (n - off >= FRAME_PREFIX_LENGTH) {
      const frameLength = readInt32(chunk, off);
      checkFrameLength(frameLength, max);
      const start = off + FRAME_PREFIX_LENGTH;
      const end = start + frameLength;
      if (end > n) {
        this.startPartial(frameLength, chunk, start);
        return;
      }
      off = end;
      onFrame(decodeFrameContent(chunk, start, end, this.lazyBodies, this.maxHeaderLength));
    }
    for (; off < n; off++) this.prefix[this.prefixFilled++] = chunk[off]!;
  }

  private startPartial(frameLength: number, chunk: Uint8Array, from: number): void {
    const partial = allocUninitialized(frameLength); // filled completely before it is decoded
    partial.set(chunk.subarray(from));
    this.partial = partial;
    this.partialFilled = chunk.length - from;
    this.prefixFilled = 0;
  }

  /**
   * Continues the frame in progress with `chunk`. Returns the offset after the completed frame
   * (left in `this.partial`), or -1 when the chunk was consumed without completing it.
   */
  private continueFrame(chunk: Uint8Array): number {
    let off = 0;
    if (this.partial === null) {
      while (this.prefixFilled < FRAME_PREFIX_LENGTH && off < chunk.length) this.prefix[this.prefixFilled++] = chunk[off++]!;
      if (this.prefixFilled < FRAME_PREFIX_LENGTH) return -1;
      const frameLength = readInt32(this.prefix, 0);
      checkFrameLength(frameLength, this.maxFrameLength);
      this.prefixFilled = 0;
      this.partial = allocUninitialized(frameLength);
      this.partialFilled = 0;
    }
    const partial = this.partial;
    const take = Math.min(partial.length - this.partialFilled, chunk.length - off);
    partial.set(chunk.subarray(off, off + take), this.partialFilled);
    this.partialFilled += take;
    off += take;
    return this.partialFilled === partial.length ? off : -1;
  }
}
