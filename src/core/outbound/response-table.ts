import type { Connection } from "../connection/connection.ts";
import { CallState, type Call } from "./call.ts";

const INITIAL_SLOTS = 1024;
const MAX_SLOTS = 1 << 20;

/**
 * Outbound requests by opaque (Java's responseTable). Opaques come from the endpoint's own increasing counter, so
 * `opaque & mask` spreads live requests over an array without hashing; the rare request that finds
 * its slot taken (one that stayed pending while `slots.length` newer ones were issued) goes to an
 * overflow map. The table doubles while more than half full.
 */
export class ResponseTable {
  private slots: (Call | null)[] = new Array<Call | null>(INITIAL_SLOTS).fill(null);
  private mask = INITIAL_SLOTS - 1;
  private readonly overflow = new Map<number, Call>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(p: Call): void {
    const i = p.opaque & this.mask;
    if (this.slots[i] === null) this.slots[i] = p;
    else this.overflow.set(p.opaque, p);
    if (++this.count > this.slots.length >> 1 && this.slots.length < MAX_SLOTS) this.grow();
  }

  /** The pending request with this opaque, if any; it stays in the table (remove() takes it out). */
  get(opaque: number): Call | undefined {
    const p = this.slots[opaque & this.mask];
    if (p != null && p.opaque === opaque) return p;
    return this.overflow.size === 0 ? undefined : this.overflow.get(opaque);
  }

  /** Removes a request (it may already be gone). */
  remove(p: Call): void {
    const i = p.opaque & this.mask;
    if (this.slots[i] === p) {
      this.slots[i] = null;
      this.count--;
    } else if (this.overflow.size > 0 && this.overflow.get(p.opaque) === p) {
      this.overflow.delete(p.opaque);
      this.count--;
    }
  }

  /** Removes and returns every request matching `select`. */
  drain(select: (p: Call) => boolean): Call[] {
    const out: Call[] = [];
    if (this.count === 0) return out;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const p = slots[i]!;
      if (p !== null && select(p)) {
        slots[i] = null;
        this.count--;
        out.push(p);
      }
    }
    for (const [opaque, p] of this.overflow) {
      if (select(p)) {
        this.overflow.delete(opaque);
        this.count--;
        out.push(p);
      }
    }
    return out;
  }

  /** Removes the requests whose deadline has passed; also tells the earliest deadline left. */
  expire(now: number): { expired: Call[]; earliestLeft: number } {
    let earliestLeft = Infinity;
    const expired = this.drain((p) => {
      if (p.deadline <= now) return true;
      if (p.deadline < earliestLeft) earliestLeft = p.deadline;
      return false;
    });
    return { expired, earliestLeft };
  }

  /** Removes and returns the requests bound to `conn` (sent, stalled, or waiting for it). */
  ofConnection(conn: Connection): Call[] {
    return this.drain((p) => p.conn === conn && p.state !== CallState.Done);
  }

  private grow(): void {
    const old = this.slots;
    const size = old.length * 2;
    this.slots = new Array<Call | null>(size).fill(null);
    this.mask = size - 1;
    const spilled = [...this.overflow.values()];
    this.overflow.clear();
    for (const p of old) if (p !== null) this.place(p);
    for (const p of spilled) this.place(p);
  }

  private place(p: Call): void {
    const i = p.opaque & this.mask;
    if (this.slots[i] === null) this.slots[i] = p;
    else this.overflow.set(p.opaque, p);
  }
}
