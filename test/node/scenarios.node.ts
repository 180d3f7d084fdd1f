import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as root from "bun-remoting";
import { nodeTransport as transport } from "bun-remoting/node";
import { allGroups } from "../scenarios/all.ts";
import { nodeTransport } from "../scenarios/node-transport.ts";
import { registerScenarios } from "../scenarios/scenario.ts";

// The scenario suite under Node, against the built package: "bun-remoting" resolves to dist/ here.
// The root has no transport of its own to export (bun-remoting/node has): the transport scenarios get it beside.
const lib = { ...root, nodeTransport: transport };
registerScenarios(
  { describe, test: (name, fn, timeout) => test(name, { timeout }, fn) },
  { name: "Node build (dist)", lib, peer: { command: process.execPath, args: [fileURLToPath(new URL("./peer.js", import.meta.url))] }, fixtures: fileURLToPath(new URL("../test/fixtures", import.meta.url)) },
  [...allGroups, nodeTransport],
);
