import type { MessageQueue } from "../message-queue.ts";

/**
 * One queue the consumer was given (Java's ProcessQueue): where its next pull starts, the offsets
 * pulled and not yet done, and the offset the group may commit: the smallest offset not done, or
 * one past the highest pulled when all are done (Java's removeMessage), never moving back.
 */
export class ProcessQueue {
  readonly queue: MessageQueue;
  /** Set when the queue is taken away (rebalance, close): its pull loop ends. */
  readonly abort = new AbortController();
  /** Where the next pull starts. */
  nextOffset: number;
  /** Offsets pulled, in order; `#pending[#head..]` are not all done. */
  #pending: number[] = [];
  #head = 0;
  /** Offsets done out of order, still behind a pending one. */
  readonly #doneAhead = new Set<number>();
  #maxPulled = -1;
  #committed = -1;
  #committedSent = -1;
  #space: (() => void) | null = null;

  constructor(queue: MessageQueue, startOffset: number) {
    this.queue = queue;
    this.nextOffset = startOffset;
    this.abort.signal.addEventListener("abort", () => this.#wake(), { once: true });
  }

  get dropped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Messages pulled and not yet done. */
  get buffered(): number {
    return this.#pending.length - this.#head - this.#doneAhead.size;
  }

  /** The offset the group may commit, -1 before any. */
  get committed(): number {
    return this.#committed;
  }

  /** Whether the committed offset moved since `markSent`. */
  get committedChanged(): boolean {
    return this.#committed !== this.#committedSent;
  }

  /** Records that `offset` was sent to the broker as committed. */
  markSent(offset: number): void {
    this.#committedSent = offset;
  }

  /** Messages at these offsets were pulled and will be handed over. */
  pulled(offsets: readonly number[]): void {
    for (const offset of offsets) {
      this.#pending.push(offset);
      if (offset > this.#maxPulled) this.#maxPulled = offset;
    }
  }

  /** The message at `offset` is done: the committed offset moves up to the first one not done. */
  done(offset: number): void {
    if (this.#head < this.#pending.length && this.#pending[this.#head] === offset) this.#head++;
    else this.#doneAhead.add(offset);
    while (this.#head < this.#pending.length && this.#doneAhead.delete(this.#pending[this.#head]!)) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
      this.#pending = this.#pending.slice(this.#head);
      this.#head = 0;
    }
    this.advance(this.#head < this.#pending.length ? this.#pending[this.#head]! : this.#maxPulled + 1);
    this.#wake();
  }

  /** Java's updateOffset(increaseOnly): the committed offset moves to `offset` if that is further. */
  advance(offset: number): void {
    if (offset > this.#committed) this.#committed = offset;
  }

  /** Whether nothing pulled is waiting to be done (a pull that finds nothing may then commit its next offset). */
  get idle(): boolean {
    return this.#head === this.#pending.length;
  }

  /** Resolves when a message is done or the queue is dropped: a full queue's pull loop waits on it. */
  space(): Promise<void> {
    return new Promise((resolve) => {
      if (this.dropped) resolve();
      else this.#space = resolve;
    });
  }

  #wake(): void {
    const wake = this.#space;
    this.#space = null;
    wake?.();
  }
}
