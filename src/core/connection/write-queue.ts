import { allocUninitialized } from "../../protocol/alloc.ts";
import { ByteWriter } from "../../protocol/byte-writer.ts";
import { encodeFrameHeader } from "../../protocol/frame-codec.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { TransportSocket } from "../transport.ts";
import { takeHeadroom } from "../../protocol/headroom.ts";
import { frameJoiner } from "./frame-joiner.ts";
import { atTurnEnd } from "../time/turn-end.ts";

export interface WriteQueueOptions {
  /** Above this many unsent bytes the queue reports itself unwritable. */
  highWaterMark: number;
  /** Once unwritable, it becomes writable again at or below this many. */
  lowWaterMark: number;
  /** Largest frame to send, 4-byte prefix included; a larger one is refused (the peer would close). */
  maxFrameLength: number;
  /** Largest header to send; a larger one is refused (the peer would close). */
  maxHeaderLength: number;
}

/** Frames gathered past this size are written at once instead of at the end of the turn. */
const FLUSH_THRESHOLD = 256 * 1024;
/** Bodies this large skip the batch (see writeLarge). */
export const LARGE_BODY_BYTES = 64 * 1024;
/**
 * While a batch of incoming frames is handled, what it produced goes out after 0.03 ms, then every
 * 0.1 ms (see splitLongBatches): the first part early, so that the peer starts on it while the rest
 * is produced, the later ones less often, as each write costs both ends a wake-up. Measured with a
 * peer on another CPU: a producer's 64 sends in flight against BrokerLite (each answer ~3 us of
 * broker work) went from 129-149 to 171-185 k sends/s, and 1 024 pipelined echo calls from 2.11-2.14
 * to 2.27-2.42 M/s, against a first part after 0.1 ms with the clock read at doubling intervals.
 */
const FIRST_SPLIT_MS = 0.03;
const BATCH_SPLIT_MS = 0.1;
/** Bytes gathered between looks at the clock while a batch is handled (a look is ~40 ns; 1 KiB is several answers). */
const BATCH_CHECK_BYTES = 1024;
const BATCH_CAPACITY = 16 * 1024;
/** A batch buffer grown past this is dropped after use rather than kept per connection. */
const BATCH_RETAINED = 1024 * 1024;

/**
 * A connection's outgoing bytes. Frames are encoded straight into one batch buffer and the batch
 * goes to the socket in one write per event-loop turn (Bun's write is one syscall, with no corking),
 * or in parts while a long incoming batch is handled, when the socket asks for that (splitLongBatches). What
 * the socket does not take is kept, in order, and offered again on drain: Bun keeps nothing
 * itself. Large bodies skip the batch (see writeLarge).
 */
export class WriteQueue {
  private batch = new ByteWriter(BATCH_CAPACITY);
  /** Bytes the socket refused, oldest first; a non-empty backlog means "wait for drain". */
  private backlog: Uint8Array[] = [];
  private backlogBytes = 0;
  private flushScheduled = false;
  /**
   * True while the connection handles its own incoming chunk: frames queued meanwhile (answers,
   * follow-up calls) go out in one write at the end of that chunk, with no microtask in between
   * (or in parts, see checkHold).
   */
  private holding = false;
  private closed = false;
  /** While holding: when the batch's first check read the clock (-1: not yet), at what batch size to check next, and whether a part went out yet. */
  private heldSince = -1;
  private checkHoldAt = 0;
  private split = false;
  /** The joined buffer a partial write left in the backlog (see writeLarge), given back once written. */
  private joined: Uint8Array | null = null;
  /** False above the high-water mark, until the backlog falls to the low-water mark. */
  writable = true;
  private readonly flushTask = (): void => this.flush();

  constructor(
    private readonly socket: TransportSocket,
    private readonly options: WriteQueueOptions,
    /** Told when `writable` flips. */
    private readonly onWritabilityChange: (writable: boolean) => void,
  ) {}

  /** Bytes accepted but not yet taken by the socket. */
  get queuedBytes(): number {
    return this.backlogBytes + this.batch.pos;
  }

  /**
   * Encodes `cmd` into the queue and returns its frame's size. Throws RemotingCommandError if it
   * cannot be encoded; the queue is then unchanged.
   */
  enqueue(cmd: RemotingCommand): number {
    if (this.closed) return 0;
    const w = this.batch;
    const start = w.pos;
    const bodyLength = encodeFrameHeader(w, cmd, this.options.maxFrameLength, this.options.maxHeaderLength);
    const frameLength = w.pos - start + bodyLength;
    if (bodyLength >= LARGE_BODY_BYTES) {
      this.writeLarge(cmd.body!);
      return frameLength;
    }
    if (bodyLength > 0) w.write(cmd.body!);
    if (w.pos >= FLUSH_THRESHOLD) this.flush();
    else if (this.holding) {
      if (w.pos >= this.checkHoldAt) this.checkHold();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      atTurnEnd(this.flushTask);
    }
    return frameLength;
  }

  /** Defers flushing until release(): the caller is about to queue several frames. */
  hold(): void {
    this.holding = true;
    this.heldSince = -1;
    this.split = false;
    this.checkHoldAt = this.socket.splitLongBatches === undefined ? Number.POSITIVE_INFINITY : this.batch.pos + BATCH_CHECK_BYTES;
  }

  /**
   * A batch being handled has gathered enough to look at the clock: once it has gathered for
   * FIRST_SPLIT_MS (timed from the first look, so a short batch never reads the clock), then for
   * BATCH_SPLIT_MS since the last part, what it has goes out now, for a peer on another CPU to
   * start on, if the socket says that pays.
   */
  private checkHold(): void {
    const now = performance.now();
    if (this.heldSince < 0) this.heldSince = now;
    else if (now - this.heldSince >= (this.split ? BATCH_SPLIT_MS : FIRST_SPLIT_MS)) {
      if (this.socket.splitLongBatches?.() !== true) {
        this.checkHoldAt = Number.POSITIVE_INFINITY; // not for the rest of this batch
        return;
      }
      this.flush();
      this.heldSince = now;
      this.split = true;
    }
    this.checkHoldAt = this.batch.pos + BATCH_CHECK_BYTES;
  }

  /** Ends hold() and writes what was queued meanwhile. */
  release(): void {
    this.holding = false;
    if (this.batch.pos > 0) this.flush();
  }

  /** Writes what was gathered this turn (normally called from a microtask). */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.batch.pos === 0) return;
    if (this.backlog.length > 0) {
      // Waiting for drain: the batch goes on gathering (onDrain writes it after the backlog).
      // Moving it to the backlog each turn would pin a fresh 16 KiB buffer per turn for a few bytes.
      this.updateWritability();
      return;
    }
    const w = this.batch;
    const length = w.pos;
    const retains = this.socket.retainsWrittenBytes;
    // A socket that keeps what it is given (Node) gets an exact copy, cheaper than a fresh 16 KiB
    // batch buffer per flush; the batch buffer is then free again at once, as after a Bun write.
    const bytes = retains ? exactCopy(w.bytes, length) : w.bytes.subarray(0, length);
    const n = this.socket.write(bytes);
    if (n < 0 || n === length || retains) w.reset(BATCH_RETAINED);
    else this.batch = new ByteWriter(BATCH_CAPACITY); // the unsent tail is still in the old buffer
    if (n >= 0 && n < length) {
      this.pushBacklog(bytes.subarray(n));
      this.updateWritability();
    }
  }

  /** The socket can take more: offer the backlog, then anything gathered since. */
  onDrain(): void {
    const backlog = this.backlog;
    while (backlog.length > 0) {
      const head = backlog[0]!;
      const n = this.socket.write(head);
      if (n < 0) return;
      this.backlogBytes -= n;
      if (n < head.length) {
        backlog[0] = head.subarray(n);
        this.updateWritability();
        return;
      }
      backlog.shift();
    }
    if (this.joined !== null) {
      frameJoiner.giveBack(this.joined); // its rest is written: nothing refers to it any more
      this.joined = null;
    }
    this.flush();
    this.updateWritability();
  }

  /** Forgets everything unsent; the connection is gone. */
  close(): void {
    this.closed = true;
    this.backlog = [];
    this.backlogBytes = 0;
    this.batch = new ByteWriter(0);
  }

  /**
   * Sends what was gathered so far (the frame's header last) and the body: in one write, joined in
   * the thread's shared buffer, when the socket copies what it is given (Bun) and nothing waits
   * for drain; otherwise the header, then the body itself, uncopied. Whatever the socket refuses is
   * kept, in order.
   */
  private writeLarge(body: Uint8Array): void {
    if (this.backlog.length === 0 && this.writeInPlace(body)) return;
    if (this.backlog.length === 0 && !this.socket.retainsWrittenBytes) {
      const w = this.batch;
      const frame = frameJoiner.join(w.bytes.subarray(0, w.pos), body);
      w.reset(BATCH_RETAINED);
      const n = this.socket.write(frame);
      if (n >= 0 && n < frame.length) {
        this.joined = frameJoiner.keep(); // the unsent rest is a view of the joined buffer
        this.pushBacklog(frame.subarray(n));
        this.updateWritability();
      }
      return;
    }
    if (this.backlog.length === 0) this.flush();
    if (this.backlog.length > 0) {
      if (this.batch.pos > 0) this.pushBacklog(this.takeBatch());
      this.pushBacklog(body);
    } else {
      const n = this.socket.write(body);
      if (n >= 0 && n < body.length) this.pushBacklog(body.subarray(n));
    }
    this.updateWritability();
  }

  /**
   * Sends what was gathered and the body in one write with no copy of the body, when the body was
   * received in a buffer of its own with room before it (see headroom.ts): the gathered bytes go
   * there. Returns false, doing nothing, when there is no such room.
   */
  private writeInPlace(body: Uint8Array): boolean {
    const w = this.batch;
    const head = takeHeadroom(body, w.pos);
    if (head === null) return false;
    head.set(w.bytes.subarray(0, w.pos));
    w.reset(BATCH_RETAINED);
    const frame = new Uint8Array(body.buffer, head.byteOffset, head.length + body.length);
    const n = this.socket.write(frame);
    if (n >= 0 && n < frame.length) {
      this.pushBacklog(frame.subarray(n));
      this.updateWritability();
    }
    return true;
  }

  /** The batch's bytes, handed over for good; the queue continues with a fresh buffer. */
  private takeBatch(): Uint8Array {
    const w = this.batch;
    const bytes = w.bytes.subarray(0, w.pos);
    this.batch = new ByteWriter(BATCH_CAPACITY);
    return bytes;
  }

  private pushBacklog(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.backlog.push(bytes);
    this.backlogBytes += bytes.length;
  }

  private updateWritability(): void {
    const queued = this.queuedBytes;
    if (this.writable ? queued > this.options.highWaterMark : queued <= this.options.lowWaterMark) {
      this.writable = !this.writable;
      this.onWritabilityChange(this.writable);
    }
  }
}

/** The first `length` bytes of `bytes` in a new array, not zero-filled first (slice() zero-fills a fresh buffer, then copies). */
function exactCopy(bytes: Uint8Array, length: number): Uint8Array {
  const copy = allocUninitialized(length);
  copy.set(bytes.subarray(0, length));
  return copy;
}
