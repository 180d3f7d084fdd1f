import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The repository root. */
export const ROOT = join(import.meta.dir, "../..");

let built = false;

/**
 * Builds dist/ from the current sources (tsc -p tsconfig.build.json, about a second) once per test
 * process, for tests that run or read the Node build: they must never see a stale one.
 */
export function buildPackage(): void {
  if (built) return;
  execFileSync(join(ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  built = true;
}
