/**
 * Bundles the Node side of the suite for `node --test` (Node 20 cannot run .ts): each
 * test/node/*.node.ts file, and test/scenarios/peer.ts for child processes, into .test-build/.
 * Only the tests' own code is bundled. The library stays the package import "bun-remoting", which
 * Node resolves to the built dist/ through the package's exports; an import of src/ is refused,
 * so a Node test can never test the sources by accident.
 */
import { Glob, type BunPlugin } from "bun";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const outdir = `${root}.test-build`;

const refuseSources: BunPlugin = {
  name: "refuse-sources",
  setup(build) {
    build.onResolve({ filter: /(^|[\\/])src[\\/]/ }, (args) => {
      throw new Error(`${args.importer} imports ${args.path}: code run by Node tests must take the library from "bun-remoting" (the built package)`);
    });
  },
};

const entrypoints = [...new Glob("test/node/*.node.ts").scanSync(root), "test/scenarios/peer.ts"].map((path) => `${root}${path}`);
rmSync(outdir, { recursive: true, force: true });
const result = await Bun.build({
  entrypoints,
  outdir,
  target: "node",
  format: "esm",
  naming: "[name].js",
  external: ["bun-remoting", "bun-remoting/*"],
  plugins: [refuseSources],
  throw: false,
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
