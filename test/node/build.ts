/**
 * Bundles the Node side of the suite into .test-build/ for `node --test`: each test/node/*.node.ts
 * file, and test/scenarios/peer.ts for child processes. The library under test is the built
 * package (see scripts/node-bundle.ts).
 */
import { Glob } from "bun";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "../../scripts/node-bundle.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const entries = [...new Glob("test/node/*.node.ts").scanSync(root), "test/scenarios/peer.ts"];
await bundleForNode(
  entries.map((path) => `${root}${path}`),
  `${root}.test-build`,
);
