/** `argv` pinned to `cpus` with taskset, or as is when not pinning (no CPUs). */
export function pinned(cpus: readonly number[], argv: string[]): string[] {
  return cpus.length === 0 ? argv : ["taskset", "-c", cpus.join(","), ...argv];
}
