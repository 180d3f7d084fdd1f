import { describe, test } from "bun:test";
import { fileURLToPath } from "node:url";
import * as bunRoot from "../../src/index.ts";
import * as nodeRoot from "../../src/node.ts";
import { allGroups } from "./all.ts";
import { nodeTransport } from "./node-transport.ts";
import { registerScenarios, type TestApi } from "./scenario.ts";

// The scenario suite under Bun, against the sources: once on Bun sockets (the package root under
// Bun) and once on node:net as Bun implements it (src/node.ts). `npm test` runs the same scenarios
// under Node against the built package (test/node/scenarios.node.ts).

const api: TestApi = { describe, test: (name, fn, timeoutMs) => test(name, fn, timeoutMs) };
const peer = fileURLToPath(new URL("./peer.ts", import.meta.url));
const fixtures = fileURLToPath(new URL("../fixtures", import.meta.url));

registerScenarios(api, { name: "Bun transport (src)", lib: bunRoot, peer: { command: process.execPath, args: [peer, "--lib=bun"] }, fixtures }, allGroups);
registerScenarios(api, { name: "node:net transport on Bun (src)", lib: nodeRoot, peer: { command: process.execPath, args: [peer, "--lib=node"] }, fixtures }, [...allGroups, nodeTransport]);
