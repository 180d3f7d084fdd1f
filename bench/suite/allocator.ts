/** glibc's default: it gives the top of its heap back to the kernel once this much there is free. */
const STEADY_TRIM_BYTES = 8 << 20;

/**
 * Sets MALLOC_TRIM_THRESHOLD_ for this run's processes (they inherit it), unless the caller set it.
 *
 * Node reads a socket into a fresh 64 KiB malloc'd buffer. When that buffer lands at the top of
 * glibc's heap, freeing it crosses the default 128 KiB trim threshold: the pages go back to the
 * kernel and the next read faults them in again. Whether it lands there depends on the process's
 * heap layout (even the length of the install path changed it), so one build measured 0.3 µs a
 * pipelined request on some runs and 0.5 µs on others. With 8 MiB the heap keeps its pages and
 * Node runs compare; Bun's allocator is not glibc's and is unaffected.
 */
export function steadyHeapTrim(): void {
  process.env.MALLOC_TRIM_THRESHOLD_ ??= String(STEADY_TRIM_BYTES);
}
