/** A name server that failed to connect is passed over for this long, unless all of them failed. */
const DOWN_FOR_MS = 5_000;

/**
 * The client's name servers (Java: namesrvAddrList + namesrvAddrChoosed). The list is shuffled on
 * update and used round robin from a random start; the chosen one is kept while its connection is
 * up. Addresses that just failed are skipped, so one dead name server does not eat every call's
 * budget (RocketMQ issue #7056).
 */
export class NameServerList {
  private addrs: string[] = [];
  private index = Math.floor(Math.random() * 999);
  private chosen: string | null = null;
  private readonly downSince = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  get size(): number {
    return this.addrs.length;
  }

  list(): string[] {
    return [...this.addrs];
  }

  /** Replaces the list when it differs; returns the addresses that were dropped. */
  update(addrs: readonly string[]): string[] {
    const next = [...new Set(addrs)];
    if (next.length === 0) return [];
    const same = next.length === this.addrs.length && next.every((a) => this.addrs.includes(a));
    if (same) return [];
    const removed = this.addrs.filter((a) => !next.includes(a));
    for (let i = next.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [next[i], next[j]] = [next[j]!, next[i]!];
    }
    this.addrs = next;
    if (this.chosen !== null && !next.includes(this.chosen)) this.chosen = null;
    for (const a of removed) this.downSince.delete(a);
    return removed;
  }

  /** The name server to call: the chosen one while connected, else the next one that is not down. */
  choose(isConnected: (addr: string) => boolean): string | null {
    const n = this.addrs.length;
    if (n === 0) return null;
    if (this.chosen !== null && isConnected(this.chosen)) return this.chosen;
    const now = this.now();
    for (let tries = 0; tries < n; tries++) {
      const addr = this.addrs[this.next()]!;
      const down = this.downSince.get(addr);
      if (down === undefined || now - down >= DOWN_FOR_MS) return (this.chosen = addr);
    }
    return (this.chosen = this.addrs[this.next()]!); // all down: try anyway, in turn
  }

  markDown(addr: string): void {
    if (this.addrs.includes(addr)) this.downSince.set(addr, this.now());
    if (this.chosen === addr) this.chosen = null;
  }

  markUp(addr: string): void {
    this.downSince.delete(addr);
  }

  private next(): number {
    this.index = (this.index + 1) % 0x7fffffff;
    return this.index % this.addrs.length;
  }
}
