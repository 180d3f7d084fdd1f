/**
 * A reusable, growable output buffer. Encoders reserve space, write, and back-patch lengths.
 * `bytes` may be replaced by a larger array when it grows, so never keep a view of it across writes.
 */
export class ByteWriter {
  /** The buffer; bytes 0 to `pos` are what was written. Replaced by a larger array when it grows. */
  bytes: Uint8Array;
  /** Bytes written so far: where the next write goes. */
  pos = 0;
  /** A view of `bytes` for word-sized stores (ByteLiteral.writeTo), replaced along with it here; see syncView. */
  view: DataView;
  /** The `bytes` that `view` views. */
  private viewed: Uint8Array;

  constructor(initialCapacity = 4096) {
    this.bytes = new Uint8Array(initialCapacity);
    this.viewed = this.bytes;
    this.view = new DataView(this.bytes.buffer);
  }

  /** Points `view` at `bytes` again, if code outside this class assigned `bytes` (an encoder using `view` calls it first). */
  syncView(): void {
    const bytes = this.bytes;
    if (this.viewed === bytes) return;
    this.viewed = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Makes room for `n` more bytes after `pos`. */
  ensure(n: number): void {
    const needed = this.pos + n;
    if (needed > this.bytes.length) this.grow(needed);
  }

  /** Appends a copy of `src` at `pos`. */
  write(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.pos);
    this.pos += src.length;
  }

  private grow(needed: number): void {
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
    this.syncView();
  }

  /** Drops the content; keeps the memory unless it grew beyond `maxRetained` bytes. */
  reset(maxRetained = 1 << 20): void {
    this.pos = 0;
    if (this.bytes.length > maxRetained) {
      this.bytes = new Uint8Array(maxRetained);
      this.syncView();
    }
  }
}

export function writeInt16(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 8;
  b[p + 1] = v;
}

export function writeInt32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24;
  b[p + 1] = v >>> 16;
  b[p + 2] = v >>> 8;
  b[p + 3] = v;
}

/** Big-endian signed int32. */
export function readInt32(b: Uint8Array, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

/** Big-endian signed int16. */
export function readInt16(b: Uint8Array, p: number): number {
  return (((b[p]! << 24) >> 16) | b[p + 1]!);
}

/** The parts back to back in one new array (a single part is returned as it is, not copied). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
