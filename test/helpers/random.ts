/** A seeded PRNG (mulberry32), so that every fuzz and property run can be replayed. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  int32(): number {
    return (this.next() * 4294967296) | 0;
  }

  bool(pTrue = 0.5): boolean {
    return this.next() < pTrue;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.next() * 256) | 0;
    return out;
  }

  /** A string mixing ASCII, JSON-special characters, BMP text and astral (surrogate pair) text. */
  string(maxLength: number): string {
    const pieces = ["a", "Z", "0", " ", '"', "\\", "/", "\n", "\t", "\u0001", "\u007f", "é", "世", "界", "😀", "{", "}", ":", ","];
    let s = "";
    const n = this.int(0, maxLength);
    for (let i = 0; i < n; i++) s += this.bool(0.6) ? String.fromCharCode(this.int(0x61, 0x7a)) : this.pick(pieces);
    return s;
  }
}
