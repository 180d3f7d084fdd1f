/**
 * Bundles TypeScript entry files that must run under Node 20 (which cannot run .ts): the Node side
 * of the test suite and the e2e benchmark processes. Only their own code is bundled. The library
 * stays the package import "bun-remoting", which Node resolves to the built dist/ through the
 * package's exports; an import of src/ is refused, so Node never runs the sources by accident.
 */
import type { BunPlugin } from "bun";
import { rmSync } from "node:fs";

const refuseSources: BunPlugin = {
  name: "refuse-sources",
  setup(build) {
    build.onResolve({ filter: /(^|[\\/])src[\\/]/ }, (args) => {
      throw new Error(`${args.importer} imports ${args.path}: code run by Node must take the library from "bun-remoting" (the built package)`);
    });
  },
};

/** Writes `<outdir>/<name>.js` for every entry (absolute paths), replacing what was there. */
export async function bundleForNode(entrypoints: string[], outdir: string): Promise<void> {
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
    throw new Error(`bundling for Node failed: ${entrypoints.join(", ")}`);
  }
}
