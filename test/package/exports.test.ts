import { beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CONDITIONS, declaredExports, exportMap, pick, type DeclaredExports } from "../../scripts/declared-exports.ts";
import { buildPackage, ROOT } from "../helpers/built-package.ts";

/*
 * The export map: for every subpath, what each resolver picks, and the same names everywhere a
 * subpath is loaded or declared. Nothing here lists names: they are read from the modules (Bun
 * importing the sources, Node importing dist/) and from the declarations (the TypeScript API).
 */

const map = exportMap(ROOT);
const subpaths = Object.keys(map).filter((s) => s !== "./package.json");

/** The runtime names of every subpath as Node loads it (dist/), or the error it throws at import. */
function nodeNames(): Record<string, string[] | { error: string }> {
  const targets = Object.fromEntries(subpaths.map((s) => [s, pathToFileURL(join(ROOT, pick(map[s]!, CONDITIONS.node)!)).href]));
  const script = `
    const targets = ${JSON.stringify(targets)};
    const out = {};
    for (const [subpath, url] of Object.entries(targets)) {
      try { out[subpath] = Object.keys(await import(url)).sort(); } catch (error) { out[subpath] = { error: error.message }; }
    }
    console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync("node", ["--input-type=module", "-e", script], { encoding: "utf8" }));
}

const namesOf = (d: DeclaredExports | undefined): string[] => d?.values ?? [];

describe("package exports", () => {
  let bundlerDecl: Map<string, DeclaredExports>;
  let nodeDecl: Map<string, DeclaredExports>;
  let onNode: Record<string, string[] | { error: string }>;
  beforeAll(async () => {
    buildPackage();
    bundlerDecl = await declaredExports(ROOT, CONDITIONS.tscBundler);
    nodeDecl = await declaredExports(ROOT, CONDITIONS.tscNode);
    onNode = nodeNames();
  }, 60_000);

  test("every subpath: tsc gets declarations (whatever customConditions say), Bun the sources, Node dist/", () => {
    for (const subpath of subpaths) {
      const entry = map[subpath]!;
      for (const tsc of [CONDITIONS.tscBundler, CONDITIONS.tscNode, new Set([...CONDITIONS.tscBundler, "bun"]), new Set([...CONDITIONS.tscNode, "bun"])]) {
        const file = pick(entry, tsc);
        expect(`${subpath} [${[...tsc]}]: ${file}`).toMatch(/: \.\/dist\/.+\.d\.ts$/);
        expect(existsSync(join(ROOT, file!)) ? file : `missing ${file}`).toBe(file);
      }
      const source = pick(entry, CONDITIONS.bun);
      expect(`${subpath} on Bun: ${source}`).toMatch(/: \.\/src\/.+\.ts$/);
      expect(existsSync(join(ROOT, source!)) ? source : `missing ${source}`).toBe(source);
      // the repository's own tsc (customConditions: bun-remoting-source) checks the same sources Bun runs
      expect(pick(entry, new Set(["bun-remoting-source"]))).toBe(source);
      const built = pick(entry, CONDITIONS.node);
      expect(`${subpath} on Node: ${built}`).toMatch(/: \.\/dist\/.+\.js$/);
      expect(existsSync(join(ROOT, built!)) ? built : `missing ${built}`).toBe(built);
    }
  });

  test('the root ("."): the same names on Bun, on Node and in its declarations', async () => {
    const onBun = Object.keys(await import(join(ROOT, pick(map["."]!, CONDITIONS.bun)!))).sort();
    expect(onBun.length).toBeGreaterThan(50);
    expect(onNode["."]).toEqual(onBun);
    expect(namesOf(bundlerDecl.get("."))).toEqual(onBun);
    expect(namesOf(nodeDecl.get("."))).toEqual(onBun);
    expect(bundlerDecl.get(".")!.types.length).toBeGreaterThan(20);
    for (const transport of ["bunTransport", "nodeTransport"]) expect(onBun).not.toContain(transport);
  });

  test("every other subpath: what a runtime loads is what its tsc declares", async () => {
    for (const subpath of subpaths) {
      const onBun = Object.keys(await import(join(ROOT, pick(map[subpath]!, CONDITIONS.bun)!))).sort();
      expect({ subpath, names: namesOf(bundlerDecl.get(subpath)) }).toEqual({ subpath, names: onBun });
      const node = onNode[subpath]!;
      if (Array.isArray(node)) expect({ subpath, names: namesOf(nodeDecl.get(subpath)) }).toEqual({ subpath, names: node });
      else expect({ subpath, declared: namesOf(nodeDecl.get(subpath)) }).toEqual({ subpath, declared: [] }); // a subpath Node refuses declares nothing there
    }
  });

  test("./bun and ./node: the root plus their transport, with the root's very classes under their runtime", async () => {
    const root = await import(join(ROOT, "src/index.ts"));
    const bun = await import(join(ROOT, "src/bun.ts"));
    const node = await import(join(ROOT, "src/node.ts"));
    expect(Object.keys(bun).sort()).toEqual([...Object.keys(root), "bunTransport"].sort());
    expect(Object.keys(node).sort()).toEqual([...Object.keys(root), "nodeTransport"].sort());
    expect(bun.RemotingServer).toBe(root.RemotingServer);
    expect(onNode["./bun"]).toEqual({ error: '"bun-remoting/bun" runs on Bun only; under Node import "bun-remoting" (or "bun-remoting/node" for nodeTransport)' });
  });
});
