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
