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
