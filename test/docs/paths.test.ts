import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/*
 * The prose names files; a file that was moved or renamed must not linger in it. Every `src/...`
 * path in the docs, CONTRIBUTING.md and the README exists; so does every path under one of src/'s
 * folders that docs/architecture.md's diagrams name relative to src/ ("core/inbound/inbound.ts"),
 * and every bare file name ("waker.ts") of the docs and CONTRIBUTING.md somewhere in the repository
 * (the README's examples name files of the reader's own).
 */

const root = join(import.meta.dir, "../..");
const docs = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const srcFolders = readdirSync(join(root, "src"), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

/** Every file name in the repository (its own files: not node_modules, dist or git's). */
function fileNames(dir: string, out = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "dist") continue;
    if (entry.isDirectory()) fileNames(join(dir, entry.name), out);
    else out.add(entry.name);
  }
  return out;
}
const names = fileNames(root);

/** Path-like words: letters, digits and `._-/`, ending in a file extension or a slash. */
const PATH = /(?<![\w./-])((?:[\w-]+\/)+(?:[\w.-]+\.(?:ts|js|md|json))?|[\w-]+(?:\.[\w-]+)*\.(?:ts|md))(?![\w/])/g;

function pathsIn(text: string): string[] {
  return [...text.matchAll(PATH)].map((m) => m[1]!);
}

describe("paths named in the docs exist", () => {
  test("the check finds what it should", () => {
    expect(pathsIn("see `src/core/inbound/inbound.ts`, core/time/ and waker.ts; not a.b or https://x.org/y")).toEqual([
      "src/core/inbound/inbound.ts",
      "core/time/",
      "waker.ts",
    ]);
  });

  for (const doc of docs) {
    test(doc, () => {
      const text = readFileSync(join(root, doc), "utf8");
      const missing: string[] = [];
      for (const path of new Set(pathsIn(text))) {
        const top = path.split("/")[0]!;
        if (path.startsWith("src/")) {
          if (!existsSync(join(root, path))) missing.push(path);
        } else if (doc === "docs/architecture.md" && srcFolders.includes(top) && path.includes("/")) {
          if (!existsSync(join(root, "src", path))) missing.push(`src/${path}`);
        } else if (!path.includes("/") && doc !== "README.md" && !names.has(path)) {
          missing.push(path);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});

/** The files of `dir` (recursively) whose name ends in `.ts`. */
function tsFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) tsFiles(join(dir, entry.name), out);
    else if (entry.name.endsWith(".ts")) out.push(join(dir, entry.name));
  }
  return out;
}

/** Citations of documents the repository does not have: the project's early spec and API notes. */
const FOREIGN_CITATION = /\bapi\.md\b|§\s*\d/;

test("comments and test names cite only what the repository has (no api.md, no spec § sections)", () => {
  expect(FOREIGN_CITATION.test("as api.md says") && FOREIGN_CITATION.test("spec §3.5") && !FOREIGN_CITATION.test("see the README")).toBe(true);
  const citing = [...tsFiles(join(root, "src")), ...tsFiles(join(root, "test"))]
    .filter((file) => file !== join(import.meta.dir, "paths.test.ts"))
    .filter((file) => FOREIGN_CITATION.test(readFileSync(file, "utf8")))
    .map((file) => file.slice(root.length + 1));
  expect(citing).toEqual([]);
});
