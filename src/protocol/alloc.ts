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
