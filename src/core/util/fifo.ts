/**
 * A first-in first-out queue: an array read from a head index and dropped in one step once read
 * to the end, so taking costs no shift() and the array does not keep taken items alive.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; the caller checked that length > 0. */
  take(): T {
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) this.clear();
    return item;
  }

  /** Every item, oldest first, removed. */
  takeAll(): T[] {
    const all = this.items.slice(this.head) as T[];
    this.clear();
    return all;
  }

  private clear(): void {
    this.items = [];
    this.head = 0;
  }
}
