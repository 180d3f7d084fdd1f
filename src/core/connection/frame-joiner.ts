/** Copies within a 4 KiB page whose destination is 1 to 31 bytes ahead of the source run slowly on some CPUs. */
const PAGE = 4096;
const SLOW_WINDOW = 32;
/** Where a frame starts in the buffer: 0, or this when 0 would put the body's copy in the slow window. */
const ALTERNATE_START = 64;
/** A shared buffer grown past this is dropped after use rather than kept. */
const MAX_RETAINED = 32 * 1024 * 1024;

/**
 * Puts a large frame's header and body side by side in one buffer, so that a socket that copies
 * what it is given at once (Bun) sends the whole frame in one write: a header written on its own
 * costs a syscall and, on this project's CPU, makes the kernel's copies of the body that follows
 * land in the slow case that frame-decoder.ts's placement() describes. One buffer per thread,
 * reused: a fresh megabyte per frame would cost its page faults every time. A caller whose socket
 * took only part of the frame keeps the rest as it is (the buffer is then theirs, see `keep`).
 */
export class FrameJoiner {
  private buffer: Uint8Array | null = null;

  /** `head` then `body`, in one array that stays valid until the next join() unless kept. */
  join(head: Uint8Array, body: Uint8Array): Uint8Array {
    const length = head.length + body.length;
    let buffer = this.buffer;
    if (buffer === null || buffer.length < length + ALTERNATE_START) {
      buffer = new Uint8Array(Math.max(length + ALTERNATE_START, (buffer?.length ?? 0) * 2));
      this.buffer = buffer.length <= MAX_RETAINED ? buffer : null;
    }
    // Buffers this large start on a page boundary, so page offsets are plain offsets mod PAGE.
    const skew = (head.length - body.byteOffset) % PAGE;
    const start = ((skew + PAGE) % PAGE) > 0 && ((skew + PAGE) % PAGE) < SLOW_WINDOW ? ALTERNATE_START : 0;
    buffer.set(head, start);
    buffer.set(body, start + head.length);
    return buffer.subarray(start, start + length);
  }

  /**
   * The last joined frame is still needed (the socket took part of it): the next join uses another
   * buffer. Returns the buffer kept, to give back once its rest has been written.
   */
  keep(): Uint8Array | null {
    const kept = this.buffer;
    this.buffer = null;
    return kept;
  }

  /** A kept buffer whose rest was written in full: reused for the next join, if none is at hand (no fresh pages to fault in). */
  giveBack(buffer: Uint8Array): void {
    if (this.buffer === null && buffer.length <= MAX_RETAINED) this.buffer = buffer;
  }
}

/** The thread's joiner: a write completes before the next one starts, so one buffer serves every connection. */
export const frameJoiner = new FrameJoiner();
