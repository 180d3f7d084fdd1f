/**
 * A microbenchmark module: given the root of the library checkout to measure (a trailing slash
 * included), returns its benches. Modules import the library by path, so that compare mode can
 * point them at another revision.
 */
export interface MicroBench {
  group: string;
  name: string;
  fn: () => unknown;
  /** Work items per call (frames decoded, operations) for a derived rate; default 1 call. */
  perCall?: number;
  unit?: string;
  /** Part of the short run's subset. */
  short?: boolean;
}

export type MicroModule = (root: string) => Promise<MicroBench[]>;

/** The modules, by name: the order in which they run. */
export const MICRO_MODULES = ["codec", "frame-decoder", "response-table", "write-queue"] as const;
export type MicroModuleName = (typeof MICRO_MODULES)[number];

/** Imports the first of `paths` (under `root`) that exists: the revisions compared keep these modules in different places. */
export async function importFirst<T>(root: string, paths: string[]): Promise<T> {
  for (const path of paths) {
    try {
      return (await import(`${root}${path}`)) as T;
    } catch (error) {
      if (path === paths[paths.length - 1]) throw error;
    }
  }
  throw new Error("unreachable");
}
