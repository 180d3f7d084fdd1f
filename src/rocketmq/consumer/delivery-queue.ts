/**
 * Messages waiting to be taken by the consumer's iterators, first in first out: take() waits when
 * it is empty, and gets null once the queue is closed and drained of nothing (close() drops what
 * is left: those messages were not done, so they come again).
 */
export class DeliveryQueue<T> {
  #items: T[] = [];
  #head = 0;
  readonly #takers: Array<(item: T | null) => void> = [];
  #closed = false;

  push(item: T): void {
    if (this.#closed) return;
    const taker = this.#takers.shift();
    if (taker !== undefined) taker(item);
    else this.#items.push(item);
  }

  take(): Promise<T | null> {
    if (this.#head < this.#items.length) {
      const item = this.#items[this.#head]!;
      this.#items[this.#head++] = undefined as T;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      return Promise.resolve(item);
    }
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** Drops what is queued; waiting and later takers get null. */
  close(): void {
    this.#closed = true;
    this.#items = [];
    this.#head = 0;
    for (const taker of this.#takers.splice(0)) taker(null);
  }
}
