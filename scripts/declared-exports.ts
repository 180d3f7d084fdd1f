/**
 * What TypeScript sees in the package: for each subpath of package.json's "exports", the
 * declaration file a consumer's tsc resolves (no custom conditions) and the names it exports, read
 * with the TypeScript 7 compiler API from the .d.ts files (so `export *` chains are followed as tsc
 * follows them). Used by scripts/surface-count.ts and the export-map tests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { API, SymbolFlags, type Checker, type Symbol as TsSymbol } from "typescript/unstable/async";

export type Conditions = string | null | { [condition: string]: Conditions };

/** The conditions each resolver matches for an `import` (tsc: without customConditions). */
export const CONDITIONS = {
  /** tsc with `moduleResolution: bundler` (a `bun init` project). */
  tscBundler: new Set(["types", "import", "default"]),
  /** tsc with `moduleResolution: node16` / `nodenext`. */
  tscNode: new Set(["types", "node", "import", "default"]),
  /** Bun at run time. */
  bun: new Set(["bun", "node", "import", "default"]),
  /** Node at run time. */
  node: new Set(["node", "import", "default"]),
} as const;

/** The target a resolver matching `conditions` picks from an export-map entry (the first matching key wins). */
export function pick(entry: Conditions, conditions: ReadonlySet<string>): string | null {
  if (entry === null || typeof entry === "string") return entry;
  for (const [condition, value] of Object.entries(entry)) {
    if (!conditions.has(condition)) continue;
    const target = pick(value, conditions);
    if (target !== null) return target;
  }
  return null;
}

/** package.json's "exports" of the package at `root`. */
export function exportMap(root: string): Record<string, Conditions> {
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, Conditions> }).exports;
}

/** Whether a declaration (or the `export type { }` / `import type` around it) is type-only. */
async function typeOnly(symbol: TsSymbol): Promise<boolean> {
  for (const handle of symbol.declarations) {
    let node = (await handle.resolve()) as { isTypeOnly?: boolean; parent?: unknown } | undefined;
    for (let up = 0; node !== undefined && up < 3; up++, node = node.parent as typeof node) if (node.isTypeOnly === true) return true;
  }
  return false;
}

/** Whether an export exists at run time: a value, reached through no type-only re-export or import. */
async function isValue(checker: Checker, exported: TsSymbol): Promise<boolean> {
  let symbol = exported;
  while (symbol.flags & SymbolFlags.Alias) {
    if (await typeOnly(symbol)) return false;
    const next = await checker.getImmediateAliasedSymbol(symbol);
    if (next === undefined) return false;
    symbol = next;
  }
  return (symbol.flags & SymbolFlags.Value) !== 0;
}

export interface DeclaredExports {
  /** The declaration file tsc resolves the subpath to, relative to the package root. */
  file: string;
  /** Exported names that exist at run time (classes, functions, constants, enums). */
  values: string[];
  /** Exported names that are types only (interfaces, type aliases). */
  types: string[];
}

/**
 * The declared exports of every code subpath (not "./package.json") of the package at `root`, as
 * tsc resolving with `conditions` sees them (the declarations must have been built). Keys are the
 * subpaths, in the map's order.
 */
export async function declaredExports(root: string, conditions: ReadonlySet<string> = CONDITIONS.tscBundler): Promise<Map<string, DeclaredExports>> {
  const files = new Map<string, string>();
  for (const [subpath, entry] of Object.entries(exportMap(root))) {
    const file = pick(entry, conditions);
    if (file === null || !file.endsWith(".d.ts")) {
      if (subpath.endsWith(".json")) continue;
      throw new Error(`exports["${subpath}"]: tsc resolves it to ${file ?? "nothing"}, not to a declaration file`);
    }
    files.set(subpath, file);
  }
  const dir = mkdtempSync(join(tmpdir(), "bun-remoting-declared-"));
  const api = new API({ cwd: dir });
  try {
    const paths = [...files.values()].map((file) => resolve(root, file));
    const compilerOptions = { module: "nodenext", moduleResolution: "nodenext", types: [], noEmit: true, strict: true };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: paths }));
    const snapshot = await api.updateSnapshot({ openProjects: [join(dir, "tsconfig.json")] });
    const [project] = await snapshot.getProjects();
    if (project === undefined) throw new Error("the TypeScript API opened no project");
    const result = new Map<string, DeclaredExports>();
    for (const [subpath, file] of files) {
      const source = await project.program.getSourceFile(resolve(root, file));
      const module = source === undefined ? undefined : await project.checker.getSymbolAtLocation(source);
      if (module === undefined) throw new Error(`${file}: not found or not a module`);
      const values: string[] = [];
      const types: string[] = [];
      for (const symbol of await project.checker.getExportsOfModule(module)) {
        (await isValue(project.checker, symbol) ? values : types).push(symbol.name);
      }
      result.set(subpath, { file, values: values.sort(), types: types.sort() });
    }
    return result;
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
