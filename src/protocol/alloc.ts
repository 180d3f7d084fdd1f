/**
 * An uninitialized byte array when the runtime offers one (Bun and Node: Buffer.allocUnsafeSlow),
 * for buffers that are about to be overwritten in full: zero-filling a 16 MiB reassembly buffer
 * is a wasted pass over memory. Falls back to a zeroed Uint8Array elsewhere.
 */
const allocUnsafeSlow = (globalThis as { Buffer?: { allocUnsafeSlow?: (size: number) => Uint8Array } }).Buffer?.allocUnsafeSlow;

/** Below this, zeroing costs nothing worth avoiding. */
const UNSAFE_MIN_BYTES = 4096;

export function allocUninitialized(size: number): Uint8Array {
  return allocUnsafeSlow !== undefined && size >= UNSAFE_MIN_BYTES ? allocUnsafeSlow(size) : new Uint8Array(size);
}

/** Buffer's copy (Bun and Node): a native copy that makes no view of its source. */
const bufferCopy = (globalThis as { Buffer?: { prototype: { copy: (this: Uint8Array, target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number) => number } } }).Buffer?.prototype.copy;

/**
 * A fresh array holding `source[start, start + length)`, copied without making a view of `source`
 * (a view would make Bun give a received chunk its ArrayBuffer object, see ChunkView).
 */
export function copyOut(source: Uint8Array, start: number, length: number): Uint8Array {
  const copy = new Uint8Array(length);
  copyBytes(source, start, start + length, copy, 0);
  return copy;
}

/** Copies `source[start, end)` to `target[at]`, making no view of `source` (see copyOut). */
export function copyBytes(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): void {
  if (start === end) return;
  if (bufferCopy !== undefined) bufferCopy.call(source, target, at, start, end);
  else target.set(source.subarray(start, end), at);
}
