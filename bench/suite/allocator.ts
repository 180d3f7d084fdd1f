/**
 * glibc malloc settings for this run's processes (they inherit them), each unless the caller set it.
 *
 * Node reads a socket into a fresh 64 KiB malloc'd buffer. When that buffer lands at the top of
 * glibc's heap, freeing it passes the default 128 KiB trim threshold: the pages go back to the
 * kernel and the next read faults them in again. Whether it lands there depends on the process's
 * heap layout (even the length of the checkout's path changed it), so one build measured 0.3 µs of
 * server CPU a pipelined request on some runs and 0.5 µs on others. Setting the trim threshold
 * turns off glibc's adaptive mmap threshold as well, which would leave every buffer of 128 KiB or
 * more a fresh mmap (258 page faults per 1 MiB buffer instead of 20), so the mmap threshold is set
 * to where the adaptive one can rise to. Bun's allocator is not glibc's and is unaffected.
 */
const SETTINGS = {
  MALLOC_TRIM_THRESHOLD_: String(8 << 20),
  MALLOC_MMAP_THRESHOLD_: String(32 << 20), // glibc's adaptive maximum on 64-bit
};

/** Sets the malloc settings; returns them as they stand, "NAME=value ...", for the results. */
export function steadyMalloc(): string {
  for (const [name, value] of Object.entries(SETTINGS)) {
    if (!process.env[name]) process.env[name] = value;
  }
  return Object.keys(SETTINGS)
    .map((name) => `${name}=${process.env[name]}`)
    .join(" ");
}
