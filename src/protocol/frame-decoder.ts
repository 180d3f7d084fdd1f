import { RemotingCommandError } from "../errors.ts";
import { allocUninitialized } from "./alloc.ts";
import { readInt32 } from "./byte-writer.ts";
import { ChunkView } from "./chunk-view.ts";
import { offerHeadroom, withdrawHeadroom } from "./headroom.ts";
import { checkFrameLength, decodeFrameContent, DEFAULT_MAX_FRAME_LENGTH, FRAME_PREFIX_LENGTH, LARGE_FRAME_BYTES, MAX_HEADER_LENGTH } from "./frame-codec.ts";
import type { RemotingCommand } from "./remoting-command.ts";

/** The limits of a FrameDecoder, and how it hands out bodies. Throws a RangeError from the constructor when a limit is out of range. */
export interface FrameDecoderOptions {
  /** Largest accepted frame, 4-byte prefix included. Default 16 MiB, as in Java. */
  maxFrameLength?: number;
  /** Largest accepted header (its 24-bit length field); default: anything that fits the frame. */
  maxHeaderLength?: number;
  /**
   * Give ReceivedCommands, whose body view (and a send request's ROCKETMQ ext fields, see
   * rocketmq-header.ts) is made on first read (what RemotingServer and RemotingClient use). Default
   * false: plain commands with every field set.
   */
  lazyBodies?: boolean;
  /**
   * With lazyBodies: bodies of at most this many bytes are handed out as copies rather than views
   * of the received bytes. Default 0 (always views). For a runtime whose received chunks make a
   * view cost more than a small copy (Bun, see TransportSocket.copyBodiesUpTo); a copy also leaves
   * the chunk free for the collector while the body is kept.
   */
  copyBodiesUpTo?: number;
}

/** A large frame starts this many bytes or fewer into its reassembly buffer. */
const PLACEMENT_SLACK = 64;
/** Copies shorter than this are fast whatever their alignment. */
const SMALL_COPY_BYTES = 2048;

/**
 * Where a large frame starts in its reassembly buffer (0..63), so that its big copy is not slow.
 * On some CPUs (AMD Zen 3 measured, platform notes "Large bodies on Bun 1.4.5") a copy whose
 * destination is 1-31 bytes ahead of its source within a 4 KiB page runs ~10x slower, and with
 * page-aligned chunks (Bun hands out fresh page-aligned buffers; so do large allocations) a fixed
 * offset hits that window on every copy. A destination congruent to its source modulo 64 never
 * does. `srcOffset` is where this chunk's part of the frame starts in its buffer, `now` how much of
 * the frame this chunk holds: when that is a big copy, it is placed congruent; when it is small (a
 * header that arrived alone, as Bun writers send it), the next chunk is, which is assumed to start
 * on a page boundary. In that case the body starts on a 64-byte boundary.
 */
function placement(srcOffset: number, now: number): number {
  return now >= SMALL_COPY_BYTES ? srcOffset & (PLACEMENT_SLACK - 1) : -now & (PLACEMENT_SLACK - 1);
}

/**
 * Turns a byte stream, chunked any way, into commands.
 *
 * Whole frames inside a chunk are decoded in place: their bodies are views into the chunk. A frame
 * that straddles chunks is reassembled once into a buffer of its own, allocated only after its
 * length passed the limit check, so nothing unbounded is ever buffered; a large frame (64 KiB and
 * up) is placed in it so that the copies are fast (see placement()). After a malformed frame the
 * decoder stays failed: every later push throws the same error (the connection is done).
 *
 * Ownership: a body is a view into bytes the decoder never writes again, so it stays valid for as
 * long as anyone holds it. The one exception is a large frame's reassembly buffer given back with
 * release(cmd): the decoder then reuses it for the next large frame that fits (no fresh memory, no
 * page faults), so whoever calls release() promises that nothing refers to that body any more. A
 * large frame without a body leaves nothing that refers to its buffer, so that buffer is reused
 * without being asked. The decoder keeps at most one such buffer.
 */
export class FrameDecoder {
  /** Largest frame accepted, 4-byte prefix included: a longer length prefix throws before anything of the frame is buffered. */
  readonly maxFrameLength: number;
  /** Largest header accepted (bytes of its 24-bit length field); a longer one throws before the header is parsed. */
  readonly maxHeaderLength: number;
  private readonly lazyBodies: boolean;
  /** Reassembly buffer of the frame in progress; the frame (prefix excluded) is its [start, end). */
  private partial: Uint8Array | null = null;
  private partialStart = 0;
  private partialEnd = 0;
  /** Where the next byte of the frame in progress goes in `partial`. */
  private partialFilled = 0;
  /**
   * The buffer of the last large frame handed out, which release() may give back. Held weakly: a
   * strong reference kept each frame's megabytes alive until the next one had been reassembled, so
   * the allocator could never hand them out again and every large frame paid for fresh pages (4 MiB
   * frames: a third slower).
   */
  private lastLarge: WeakRef<ArrayBufferLike> | null = null;
  /** Where that buffer's reassembly array lies in it. */
  private lastLargeOffset = 0;
  private lastLargeLength = 0;
  /** A large reassembly buffer nothing refers to any more, for the next large frame that fits. */
  private spare: Uint8Array | null = null;
  /** Up to 3 bytes of a length prefix that a chunk boundary cut. */
  private readonly prefix = new Uint8Array(FRAME_PREFIX_LENGTH);
  private prefixFilled = 0;
  private failure: RemotingCommandError | null = null;
  /** The chunk being decoded (or the reassembled frame), described once for its frames; cleared after each chunk. */
  private readonly chunk: ChunkView;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    if (!Number.isInteger(max) || max < 8 || max > 0x7fffffff) {
      throw new RangeError(`maxFrameLength must be an integer between 8 and 2147483647, got ${max}`);
    }
    this.maxFrameLength = max;
    this.maxHeaderLength = options.maxHeaderLength ?? MAX_HEADER_LENGTH;
    this.lazyBodies = options.lazyBodies === true;
    const copyUpTo = options.copyBodiesUpTo ?? 0;
    if (!Number.isInteger(copyUpTo) || copyUpTo < 0) throw new RangeError(`copyBodiesUpTo must be an integer >= 0, got ${copyUpTo}`);
    this.chunk = new ChunkView(copyUpTo);
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.partial === null ? this.prefixFilled : FRAME_PREFIX_LENGTH + this.partialFilled - this.partialStart;
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
    } finally {
      this.chunk.clear();
    }
  }

  /**
   * Gives back the reassembly buffer of a large frame decoded by this decoder, `cmd` being the last
   * such frame, for the next large frame to reuse. The caller promises that nothing refers to
   * `cmd.body` any more, nor to any view made from it: those bytes will be overwritten. `cmd.body`
   * becomes null, so that reading it through the command cannot see another frame's bytes. Returns
   * false, changing nothing, for any other command (a small frame, or one decoded in place).
   */
  release(cmd: RemotingCommand): boolean {
    const last = this.lastLarge?.deref();
    if (last === undefined) return false;
    const body = cmd.body;
    if (body === null || body.buffer !== last) return false;
    cmd.body = null;
    this.lastLarge = null;
    withdrawHeadroom(last);
    this.spare = new Uint8Array(last, this.lastLargeOffset, this.lastLargeLength);
    return true;
  }

  private decodeChunk(chunk: Uint8Array, onFrame: (cmd: RemotingCommand) => void): void {
    const n = chunk.length;
    let off = 0;
    if (this.partial !== null || this.prefixFilled > 0) {
      off = this.continueFrame(chunk);
      if (off < 0) return;
      onFrame(this.takeReassembled());
    }
    const max = this.maxFrameLength;
    this.chunk.describe(chunk);
    while (n - off >= FRAME_PREFIX_LENGTH) {
      const frameLength = readInt32(chunk, off);
      checkFrameLength(frameLength, max);
      const start = off + FRAME_PREFIX_LENGTH;
      const end = start + frameLength;
      if (end > n) {
        this.startPartial(frameLength, chunk, start);
        this.prefixFilled = 0;
        this.copyInto(chunk, start, n);
        return;
      }
      off = end;
      onFrame(decodeFrameContent(chunk, start, end, this.lazyBodies, this.maxHeaderLength, this.chunk));
    }
    for (; off < n; off++) this.prefix[this.prefixFilled++] = chunk[off]!;
  }

  /** A reassembly buffer for a frame of `frameLength` whose first `now` bytes start at `chunk[from]`. */
  private startPartial(frameLength: number, chunk: Uint8Array, from: number): void {
    let buffer: Uint8Array;
    let start = 0;
    if (frameLength < LARGE_FRAME_BYTES) {
      buffer = allocUninitialized(frameLength); // filled completely before it is decoded
    } else {
      start = placement(chunk.byteOffset + from, Math.min(chunk.length - from, frameLength));
      const spare = this.spare;
      this.spare = null; // reused, or too small to keep beside a new buffer
      buffer = spare !== null && spare.length >= frameLength + PLACEMENT_SLACK ? spare : allocUninitialized(frameLength + PLACEMENT_SLACK);
    }
    this.partial = buffer;
    this.partialStart = start;
    this.partialEnd = start + frameLength;
    this.partialFilled = start;
  }

  /** Copies `chunk[from, to)` into the frame in progress. */
  private copyInto(chunk: Uint8Array, from: number, to: number): void {
    this.partial!.set(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to), this.partialFilled);
    this.partialFilled += to - from;
  }

  /**
   * Continues the frame in progress with `chunk`. Returns the offset after the completed frame
   * (then taken with takeReassembled()), or -1 when the chunk was consumed without completing it.
   */
  private continueFrame(chunk: Uint8Array): number {
    let off = 0;
    if (this.partial === null) {
      while (this.prefixFilled < FRAME_PREFIX_LENGTH && off < chunk.length) this.prefix[this.prefixFilled++] = chunk[off++]!;
      if (this.prefixFilled < FRAME_PREFIX_LENGTH) return -1;
      const frameLength = readInt32(this.prefix, 0);
      checkFrameLength(frameLength, this.maxFrameLength);
      this.prefixFilled = 0;
      this.startPartial(frameLength, chunk, off);
    }
    const take = Math.min(this.partialEnd - this.partialFilled, chunk.length - off);
    this.copyInto(chunk, off, off + take);
    off += take;
    return this.partialFilled === this.partialEnd ? off : -1;
  }

  /** Decodes the frame just reassembled, and notes who may still refer to its buffer. */
  private takeReassembled(): RemotingCommand {
    const buffer = this.partial!;
    const start = this.partialStart;
    const end = this.partialEnd;
    this.partial = null;
    this.chunk.describe(buffer);
    const cmd = decodeFrameContent(buffer, start, end, this.lazyBodies, this.maxHeaderLength, this.chunk);
    if (end - start >= LARGE_FRAME_BYTES) {
      // Without a body, nothing handed out refers to the buffer (header strings are copies).
      const headerLength = (buffer[start + 1]! << 16) | (buffer[start + 2]! << 8) | buffer[start + 3]!;
      if (FRAME_PREFIX_LENGTH + headerLength === end - start) {
        this.spare = buffer;
        this.lastLarge = null;
      } else {
        this.lastLarge = new WeakRef(buffer.buffer);
        this.lastLargeOffset = buffer.byteOffset;
        this.lastLargeLength = buffer.length;
        // The bytes before the body are dead: a frame sending this body on may put its header there.
        offerHeadroom(buffer.buffer, buffer.byteOffset, buffer.byteOffset + start + FRAME_PREFIX_LENGTH + headerLength);
      }
    }
    return cmd;
  }
}
