import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FULL_CASES, SHORT_CASES } from "../../bench/e2e/cases.ts";
import { USAGE } from "../../bench/suite/options.ts";

/** The README's Benchmarks section says what the suite does: these fail when they drift apart. */
const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
/** The suite's part of the section (the other benchmarks have options of their own). */
const section = readme.slice(readme.indexOf("\n## Benchmarks\n"), readme.indexOf("\n### Other benchmarks\n"));

describe("README: Benchmarks", () => {
  test("every option it names is one the suite takes", () => {
    const named = [...new Set([...section.matchAll(/[\s`(](--[a-z-]+)/g)].map((m) => m[1]!))];
    expect(named.length).toBeGreaterThan(5);
    for (const option of named) expect(USAGE.includes(` ${option} `) || USAGE.includes(` ${option}\n`) ? option : `${option} not in --help`).toBe(option);
  });

  test("counts the cases of the short and the full run", () => {
    expect(section).toContain(`takes ${SHORT_CASES.length} of these cases`);
    expect(section).toContain(`\`--full\` takes all ${FULL_CASES.length}`);
  });
});
