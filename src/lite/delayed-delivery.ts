/**
 * Delay levels of an in-memory broker (Java's ScheduleMessageService): a message sent with a delay
 * level is stored in SCHEDULE_TOPIC_XXXX (queue level - 1) and handed back when its delay has
 * passed. Within one level the delay is the same for every message, so each level is a FIFO and
 * one timer, set for the earliest head, serves them all (no timer per message).
 */
export class DelayedDelivery {
  readonly #delaysMs: readonly number[];
  readonly #deliver: (commitLogOffset: number) => void;
  readonly #now: () => number;
  /** Per level (index level - 1): [dueAt, commitLogOffset] pairs in due order; heads[i] is the first still pending. */
  readonly #levels: Array<Array<[number, number]>>;
  readonly #heads: number[];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerDueAt = Infinity;
  #closed = false;

  /**
   * `delaysMs[k]` is level k + 1's delay; `deliver` gets the commit-log offset of a message whose
   * delay has passed.
   */
  constructor(delaysMs: readonly number[], deliver: (commitLogOffset: number) => void, now: () => number = Date.now) {
    this.#delaysMs = delaysMs;
    this.#deliver = deliver;
    this.#now = now;
    this.#levels = delaysMs.map(() => []);
    this.#heads = delaysMs.map(() => 0);
  }

  /** The highest level (levels above it are clamped to it). */
  get maxLevel(): number {
    return this.#delaysMs.length;
  }

  /** Messages waiting for their delay. */
  get pending(): number {
    return this.#levels.reduce((n, queue, i) => n + queue.length - this.#heads[i]!, 0);
  }

  /** Hands back the message stored at `commitLogOffset` once level `level`'s delay after `storedAt` has passed. */
  schedule(level: number, commitLogOffset: number, storedAt: number): void {
    if (this.#closed) return;
    const dueAt = storedAt + this.#delaysMs[level - 1]!;
    this.#levels[level - 1]!.push([dueAt, commitLogOffset]);
    this.#arm(dueAt);
  }

  /** Stops the timer; what is still waiting stays in SCHEDULE_TOPIC_XXXX. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(dueAt: number): void {
    if (this.#closed || dueAt >= this.#timerDueAt) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerDueAt = dueAt;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, dueAt - this.#now()));
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #fire(): void {
    this.#timer = null;
    this.#timerDueAt = Infinity;
    const now = this.#now();
    let next = Infinity;
    this.#levels.forEach((queue, i) => {
      let head = this.#heads[i]!;
      while (head < queue.length && queue[head]![0] <= now) this.#deliver(queue[head++]![1]);
      if (head === queue.length) {
        queue.length = 0;
        head = 0;
      } else if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      this.#heads[i] = head;
      if (head < queue.length) next = Math.min(next, queue[head]![0]);
    });
    if (next !== Infinity) this.#arm(next);
  }
}
