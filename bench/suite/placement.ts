import type { BenchCase, Placement } from "../e2e/cases.ts";

/** The CPUs the processes of a case run on: taskset lists, empty when not pinned. */
export interface PlacementCpus {
  /** The measuring client process and the case's other client processes. */
  client: number[];
  server: number[];
  /** Every CPU the case's processes may use: where the noise probe looks. */
  all: number[];
}

/**
 * Where each placement puts its processes, given the suite's client CPU and split CPU (null: none).
 * Not pinned (cpu null), nothing is. Split and spread need the split CPU (see `placementRuns`).
 */
export function placementCpus(placement: Placement, cpu: number | null, splitCpu: number | null): PlacementCpus {
  if (cpu === null) return { client: [], server: [], all: [] };
  if (placement === "same" || splitCpu === null) return { client: [cpu], server: [cpu], all: [cpu] };
  const both = [cpu, splitCpu];
  return placement === "split" ? { client: [cpu], server: [splitCpu], all: both } : { client: both, server: both, all: both };
}

/**
 * Whether a placement can run: split needs a second CPU to pin the server to; spread needs two
 * CPUs, pinned (the split CPU) or not (the machine's).
 */
export function placementRuns(placement: Placement, cpu: number | null, splitCpu: number | null, machineCpus: number): boolean {
  if (placement === "same") return true;
  if (placement === "split") return cpu !== null && splitCpu !== null;
  return cpu === null ? machineCpus > 1 : splitCpu !== null;
}

/** The client processes a target runs for `cases` in one round: one per set of client CPUs. */
export function clientGroups(cases: readonly BenchCase[], cpu: number | null, splitCpu: number | null): BenchCase[][] {
  const groups = new Map<string, BenchCase[]>();
  for (const c of cases) {
    const key = placementCpus(c.placement, cpu, splitCpu).client.join(",");
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()];
}
