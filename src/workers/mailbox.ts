/**
 * The shared memory between the I/O thread and one executor worker.
 *
 * `slots` request slots and as many response slots, `slotBytes` each, plus one queue of slot
 * numbers per direction. A slot belongs to one request from the moment the I/O thread fills it
 * until the I/O thread has read its answer from the response slot of the same number, so at most
 * `slots` numbers are ever queued: the queues cannot overflow, and answers may come back in any
 * order (async processors) without fragmenting anything.
 *
 * A consumer with nothing to take says so in an "asleep" word and waits for a wake-up message on
 * its thread's port, so it never blocks its event loop (timers and async processors keep running).
 * A producer sends that message only to a consumer that said it is asleep, so a busy consumer costs
 * the producer one atomic load per record and no message. The wake-up is a message rather than
 * Atomics.waitAsync/notify: under Bun 1.4 a notified waitAsync promise was sometimes never
 * resolved (a thread asleep forever with answers queued), which messages are not prone to.
 * Measured against transferring ArrayBuffers with postMessage in bench/worker-hop.bench.ts.
 */

/** Control words (int32). Each queue has a head (producer's count) and an asleep flag. */
const TO_WORKER_HEAD = 0;
const TO_WORKER_ASLEEP = 1;
const TO_MAIN_HEAD = 2;
const TO_MAIN_ASLEEP = 3;
const CONTROL_BYTES = 64;

/**
 * Sends the other side a wake-up message; its handler calls wakeUp() on its inbound queue. Each
 * side calls it only for the queue it produces into.
 */
export type WakeSignal = () => void;

/** What a worker needs to map the same memory (sent in workerData). */
export interface MailboxInit {
  shared: SharedArrayBuffer;
  slots: number;
  slotBytes: number;
}

function ringSize(slots: number): number {
  let n = 1;
  while (n < slots) n <<= 1;
  return n;
}

export function createMailboxMemory(slots: number, slotBytes: number): MailboxInit {
  const ring = ringSize(slots);
  const shared = new SharedArrayBuffer(CONTROL_BYTES + 2 * (ring * 4 + slots * 4 + slots * slotBytes));
  return { shared, slots, slotBytes };
}

/**
 * One direction's queue of slot numbers, single producer and single consumer. Counters wrap as
 * int32; the ring size is a power of two, so `count & mask` stays a valid index after wrapping.
 */
class SlotQueue {
  private readonly mask: number;
  /** The producer's count of pushed numbers, or the consumer's count of taken ones. */
  private count = 0;
  /** Consumer: settles the pending sleep(), if any. */
  private settleSleep: (() => void) | null = null;

  constructor(
    private readonly control: Int32Array,
    private readonly ring: Int32Array,
    private readonly head: number,
    private readonly asleep: number,
    private readonly signal: WakeSignal,
  ) {
    this.mask = ring.length - 1;
  }

  /**
   * Producer: queues `slot` without waking the consumer. A consumer that is awake takes it anyway;
   * one that sleeps does not see it until wake(), which the producer owes it soon.
   */
  publish(slot: number): void {
    this.ring[this.count & this.mask] = slot;
    this.count = (this.count + 1) | 0;
    Atomics.store(this.control, this.head, this.count);
  }

  /** Producer: wakes the consumer if it said it is asleep (one atomic load when it is not). */
  wake(): void {
    const control = this.control;
    if (Atomics.load(control, this.asleep) !== 0 && Atomics.compareExchange(control, this.asleep, 1, 0) === 1) this.signal();
  }

  /** Consumer: the next queued slot number, or -1 when the queue is empty. */
  take(): number {
    if (this.count === Atomics.load(this.control, this.head)) return -1;
    const slot = this.ring[this.count & this.mask]!;
    this.count = (this.count + 1) | 0;
    return slot;
  }

  /**
   * Consumer: a promise that settles at the next wakeUp(), or null if something was pushed
   * meanwhile (take again). Saying "asleep" before looking at the head means a producer that
   * pushes after the look sees the flag and signals. A signal for a sleep that did not happen
   * settles a later one early: harmless, the consumer finds nothing and sleeps again.
   */
  sleep(): Promise<void> | null {
    const control = this.control;
    Atomics.store(control, this.asleep, 1);
    if (Atomics.load(control, this.head) === this.count) return new Promise<void>((resolve) => (this.settleSleep = resolve));
    Atomics.store(control, this.asleep, 0);
    return null;
  }

  /** Consumer: settles a pending sleep(): the other side's wake-up message arrived, or this side is closing. */
  wakeUp(): void {
    const settle = this.settleSleep;
    if (settle === null) return;
    this.settleSleep = null;
    settle();
  }
}

/** What a lane copies into a slot: a record built by RecordWriter. */
export interface SlotRecord {
  readonly length: number;
  copyTo(dst: Uint8Array, pos: number): void;
}

/** One direction: its slots' bytes and lengths, and its queue. */
export class Lane {
  constructor(
    readonly bytes: Uint8Array,
    private readonly lengths: Int32Array,
    private readonly base: number,
    private readonly slotBytes: number,
    readonly queue: SlotQueue,
  ) {}

  /**
   * Copies `record` into `slot` and queues it, waking the other side unless `wake` is false (see
   * SlotQueue.publish). False when the record is larger than a slot (send it another way).
   */
  put(slot: number, record: SlotRecord, wake = true): boolean {
    const length = record.length;
    if (length > this.slotBytes) return false;
    record.copyTo(this.bytes, this.start(slot));
    this.lengths[slot] = length;
    this.queue.publish(slot);
    if (wake) this.queue.wake();
    return true;
  }

  /** Where the record in `slot` begins in `bytes`. */
  start(slot: number): number {
    return this.base + slot * this.slotBytes;
  }

  end(slot: number): number {
    return this.start(slot) + this.lengths[slot]!;
  }
}

/** The two lanes over one mailbox's memory, as either side sees them. */
export class Mailbox {
  /** I/O thread to worker. */
  readonly requests: Lane;
  /** Worker to I/O thread. */
  readonly responses: Lane;

  /** `signal` sends the other side a wake-up message (see WakeSignal). */
  constructor(init: MailboxInit, signal: WakeSignal) {
    const { shared, slots, slotBytes } = init;
    const ring = ringSize(slots);
    const control = new Int32Array(shared, 0, CONTROL_BYTES / 4);
    const bytes = new Uint8Array(shared);
    let offset = CONTROL_BYTES;
    const lane = (head: number, asleep: number): Lane => {
      const queue = new SlotQueue(control, new Int32Array(shared, offset, ring), head, asleep, signal);
      const lengths = new Int32Array(shared, offset + ring * 4, slots);
      const base = offset + ring * 4 + slots * 4;
      offset = base + slots * slotBytes;
      return new Lane(bytes, lengths, base, slotBytes, queue);
    };
    this.requests = lane(TO_WORKER_HEAD, TO_WORKER_ASLEEP);
    this.responses = lane(TO_MAIN_HEAD, TO_MAIN_ASLEEP);
  }
}

export type { SlotQueue };
