/**
 * The public surface in numbers: exported names per subpath of the package, as a consumer's
 * TypeScript sees them (the built declarations; run `npm run build` first).
 *
 *   bun scripts/surface-count.ts [package root]     a table; --json for machine-readable output
 */
import { resolve } from "node:path";
import { declaredExports } from "./declared-exports.ts";

const args = process.argv.slice(2);
const root = resolve(args.find((a) => !a.startsWith("--")) ?? ".");
const surface = await declaredExports(root);
if (args.includes("--json")) {
  console.log(JSON.stringify(Object.fromEntries(surface), null, 2));
} else {
  const rows = [...surface].map(([subpath, d]) => [subpath, d.file, String(d.values.length + d.types.length), String(d.values.length), String(d.types.length)]);
  const table = [["subpath", "declarations", "names", "values", "types"], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const row of table) console.log(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
}
