/**
 * Allocator settings for this run's processes (they inherit them), each unless the caller set it:
 * glibc's malloc for Node, mimalloc for Bun.
 *
 * Node reads a socket into a fresh 64 KiB malloc'd buffer. When that buffer lands at the top of
 * glibc's heap, freeing it passes the default 128 KiB trim threshold: the pages go back to the
 * kernel and the next read faults them in again. Whether it lands there depends on the process's
 * heap layout (even the length of the checkout's path changed it), so one build measured 0.3 µs of
 * server CPU a pipelined request on some runs and 0.5 µs on others. Setting the trim threshold
 * turns off glibc's adaptive mmap threshold as well, which would leave every buffer of 128 KiB or
 * more a fresh mmap (258 page faults per 1 MiB buffer instead of 20), so the mmap threshold is set
 * to where the adaptive one can rise to.
 *
 * Bun allocates with mimalloc, which decommits freed pages after 10 ms by default. Every large body
 * lives in a fresh buffer (Bun's read buffers, a frame's reassembly buffer), freed when collected:
 * at a few large frames per 10 ms or fewer, each buffer's pages are given back and faulted in again.
 * A 1 s delay took a 4 MiB echo from 7.4-7.7 ms of client CPU per request to 3.1-3.2 ms.
 */
const SETTINGS = {
  MALLOC_TRIM_THRESHOLD_: String(8 << 20),
  MALLOC_MMAP_THRESHOLD_: String(32 << 20), // glibc's adaptive maximum on 64-bit
  MIMALLOC_PURGE_DELAY: "1000", // ms
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
