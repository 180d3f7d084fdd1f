/** What an item needs to sit in a LinkedList: the list holds it by these fields, so no wrapper is allocated. */
export interface ListNode<T extends ListNode<T>> {
  prev: T | null;
  next: T | null;
  /** The list it is in, or null. */
  list: LinkedList<T> | null;
}

/**
 * A doubly linked list threaded through its items (an item is in at most one list at a time), so
 * that an item leaves whatever list it is in at once, without a search: a call that times out
 * leaves its connection's queue the moment it ends.
 */
export class LinkedList<T extends ListNode<T>> {
  private head: T | null = null;
  private tail: T | null = null;
  length = 0;

  push(item: T): void {
    item.list = this;
    item.prev = this.tail;
    item.next = null;
    if (this.tail === null) this.head = item;
    else this.tail.next = item;
    this.tail = item;
    this.length++;
  }

  /** Removes `item`, which must be in this list. */
  remove(item: T): void {
    if (item.prev === null) this.head = item.next;
    else item.prev.next = item.next;
    if (item.next === null) this.tail = item.prev;
    else item.next.prev = item.prev;
    item.prev = item.next = null;
    item.list = null;
    this.length--;
  }

  /** The oldest item, removed; null when empty. */
  shift(): T | null {
    const item = this.head;
    if (item !== null) this.remove(item);
    return item;
  }

  /** Every item, oldest first (a copy: the caller may remove items meanwhile). */
  items(): T[] {
    const items: T[] = [];
    for (let item = this.head; item !== null; item = item.next) items.push(item);
    return items;
  }

  /** Every item, oldest first; the list is empty afterwards. */
  takeAll(): T[] {
    const items: T[] = [];
    for (let item = this.shift(); item !== null; item = this.shift()) items.push(item);
    return items;
  }
}
