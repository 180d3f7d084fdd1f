import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The layering of src/ (CONTRIBUTING.md, "the folder tree is the design"), checked on the import
 * graph: every static import and `export ... from` of every file, type-only ones included (a type
 * import is still a dependency of the design, even if the build erases it).
 */

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
/**
 * The package's entry modules (a root, and a root plus its transport); nothing inside the package
 * may depend on them, except an entry built on another ("./bun" is the root plus bunTransport).
 */
const PACKAGE_ROOTS = ["index.ts", "node.ts", "bun.ts", "node-root.ts"];
/** What the runtime-free layers may not reach: runtimes, threads, the CLI, and the roots (with the surface they share). */
const RUNTIME_FREE = ["protocol/", "core/"];
const FORBIDDEN_TO_RUNTIME_FREE = ["transport/", "workers/", "cli/", ...PACKAGE_ROOTS, "surface.ts"];

/**
 * Module specifiers a source imports statically: `import ... from`, `import "..."`, `export ... from`,
 * multi-line and type-only alike. A statement starts a line; dynamic import() is not one.
 */
export function staticImports(source: string): string[] {
  const statement = /^[ \t]*(?:import|export)\b(?:[^;'"`]*?\bfrom)?\s*["']([^"']+)["']/gm;
  return [...source.matchAll(statement)].map((m) => m[1]!);
}

/** src/'s files ("core/connection/connection.ts") and, for each, the src/ files it imports. */
function importGraph(): Map<string, string[]> {
  const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => f.split("\\").join("/")).sort();
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = staticImports(readFileSync(join(SRC, file), "utf8"))
      .filter((spec) => spec.startsWith("."))
      .map((spec) => relative(SRC, join(SRC, dirname(file), spec)).split("\\").join("/"))
      .filter((target) => !target.startsWith(".."));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components of more than one file (or a file importing itself): their files, and one concrete cycle through them. */
function cycles(graph: Map<string, string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components.map((component) => `${component.length} files (${[...component].sort().join(", ")}), e.g. ${cycleWithin(graph, new Set(component)).join(" -> ")}`);
}

/** A path that starts and ends at the component's first file (in name order), through the component only. */
function cycleWithin(graph: Map<string, string[]>, component: Set<string>): string[] {
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = previous.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

describe("architecture: the import graph of src/", () => {
  const graph = importGraph();

  test("the import scanner sees static, multi-line, type-only, side-effect and re-export imports, and not dynamic ones", () => {
    const source = [
      'import { a } from "./a.ts";',
      "import {",
      "  b,",
      "  type B,",
      '} from "../b.ts";',
      'import type { C } from "./c.ts";',
      'export * from "./d.ts";',
      'export type { E } from "./e.ts";',
      'import "./f.ts";',
      'const g = await import("./g.ts");',
      'export const h = "./h.ts";',
      '// import { i } from "./i.ts" is a comment',
    ].join("\n");
    expect(staticImports(source)).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts", "./f.ts"]);
    expect(graph.get("index.ts")).toContain("surface.ts");
    expect(graph.get("core/index.ts")).toContain("core/inbound/processor.ts");
  });

  test("protocol/ and core/ import nothing from transport/, workers/, cli/ or the package roots (index.ts, node.ts, surface.ts)", () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      if (!RUNTIME_FREE.some((layer) => file.startsWith(layer))) continue;
      for (const target of targets) {
        if (FORBIDDEN_TO_RUNTIME_FREE.some((forbidden) => (forbidden.endsWith("/") ? target.startsWith(forbidden) : target === forbidden))) violations.push(`${file} -> ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test("nothing in src/ imports a package root (index.ts, node.ts, bun.ts, node-root.ts) but another root", () => {
    const violations = [...graph]
      .filter(([file]) => !PACKAGE_ROOTS.includes(file))
      .flatMap(([file, targets]) => targets.filter((t) => PACKAGE_ROOTS.includes(t)).map((t) => `${file} -> ${t}`));
    expect(violations).toEqual([]);
  });

  test("there is no import cycle in src/", () => {
    expect(cycles(graph)).toEqual([]);
  });
});
