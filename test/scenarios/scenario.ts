import type * as NodeRoot from "../../src/node.ts";
import { ScenarioHarness, type PeerCommand } from "./harness.ts";

/**
 * Socket scenarios written once and run on both runtimes: a scenario gets a ScenarioHarness built
 * on the library under test (the sources under `bun test`, the built package under `node --test`)
 * and asserts with node:assert, which both runtimes implement. The runner adapts bun:test or
 * node:test to TestApi.
 */

/** The library under test: what both package roots export. */
export type Lib = Omit<typeof NodeRoot, "nodeTransport">;

export interface Scenario {
  name: string;
  timeoutMs: number;
  run(h: ScenarioHarness): Promise<void>;
}

export interface ScenarioGroup {
  name: string;
  scenarios: Scenario[];
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** Declares a group of scenarios: `define` calls `scenario(name, run, timeoutMs?)` for each. */
export function group(
  name: string,
  define: (scenario: (name: string, run: (h: ScenarioHarness) => Promise<void>, timeoutMs?: number) => void) => void,
): ScenarioGroup {
  const scenarios: Scenario[] = [];
  define((scenarioName, run, timeoutMs = DEFAULT_TIMEOUT_MS) => scenarios.push({ name: scenarioName, run, timeoutMs }));
  return { name, scenarios };
}

/** The two calls of a test framework a runner needs. */
export interface TestApi {
  describe(name: string, body: () => void): void;
  test(name: string, fn: () => Promise<void>, timeoutMs: number): void;
}

export interface Target {
  /** Shown in test names, e.g. "bun transport (src)". */
  name: string;
  lib: Lib;
  /** How to start test/scenarios/peer.ts on this runtime, with this build of the library. */
  peer: PeerCommand;
  /** Absolute path of test/fixtures (scenarios may run from a bundle elsewhere). */
  fixtures: string;
}

/** Registers every scenario of `groups` against `target`, each with a fresh harness cleaned up after it. */
export function registerScenarios(api: TestApi, target: Target, groups: readonly ScenarioGroup[]): void {
  api.describe(target.name, () => {
    for (const g of groups) {
      api.describe(g.name, () => {
        for (const s of g.scenarios) {
          api.test(
            s.name,
            async () => {
              const h = new ScenarioHarness(target.lib, target.peer, target.fixtures);
              try {
                await s.run(h);
              } finally {
                await h.cleanup();
              }
            },
            s.timeoutMs,
          );
        }
      });
    }
  });
}
