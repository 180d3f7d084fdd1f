import type { BenchCase } from "../e2e/cases.ts";
import type { DriverSpec } from "../e2e/job.ts";
import type { TargetInfo } from "./results.ts";

/** What the runner starts for one target: the measuring client and the server it measures. */
export interface Target extends TargetInfo {
  /** The client process (without pinning); the job is appended as its last argument. */
  client: string[];
  driver: DriverSpec;
  /** The server process (without pinning). */
  server: string[];
  /** Whether this target can run the case. */
  runs(c: BenchCase): boolean;
}

/** Where the bench harness lives: always the working tree's, whichever library revision it drives. */
export interface Harness {
  /** The working tree, with a trailing slash. */
  root: string;
  bun: string;
  node: string;
  /** The Node bundles of the bench processes (scripts/node-bundle.ts), with a trailing slash. */
  nodeBuild: string;
}

/** The send cases compare clients on Node (the native client's runtime), against one server. */
const bunCases = (c: BenchCase): boolean => c.call === "echo";
const nodeCases = (): boolean => true;
/** A raw echo has no oneway form (what would it be the limit of?) and does not play a broker. */
const echoCases = (c: BenchCase): boolean => c.kind !== "oneway" && c.call === "echo";

/** This library on both runtimes: Bun runs the sources on Bun sockets, Node runs dist/ on node:net. */
export function libraryTargets(h: Harness, libRoot: string, revision: string | null): Target[] {
  const suffix = revision === null ? "" : `@${revision}`;
  const bunEntry = `${libRoot}src/index.ts`;
  const nodeEntry = `${libRoot}dist/node.js`;
  return [
    {
      id: `bun${suffix}`,
      label: `this library, Bun build${suffix}`,
      runtime: "bun",
      role: "library",
      revision,
      client: [h.bun, `${h.root}bench/e2e/client.ts`],
      driver: { kind: "library", entry: bunEntry },
      server: [h.bun, `${h.root}bench/e2e/server.ts`, bunEntry],
      runs: bunCases,
    },
    {
      id: `node${suffix}`,
      label: `this library, Node build${suffix}`,
      runtime: "node",
      role: "library",
      revision,
      client: [h.node, `${h.nodeBuild}client.js`],
      driver: { kind: "library", entry: nodeEntry },
      server: [h.node, `${h.nodeBuild}server.js`, nodeEntry],
      runs: nodeCases,
    },
  ];
}

/** The socket limit on both runtimes: raw echo, same frame sizes. */
export function rawTargets(h: Harness): Target[] {
  return [
    {
      id: "raw-bun",
      label: "raw echo, Bun sockets",
      runtime: "bun",
      role: "raw",
      revision: null,
      client: [h.bun, `${h.root}bench/e2e/client.ts`],
      driver: { kind: "raw" },
      server: [h.bun, `${h.root}bench/e2e/raw-server.ts`],
      runs: echoCases,
    },
    {
      id: "raw-node",
      label: "raw echo, node:net",
      runtime: "node",
      role: "raw",
      revision: null,
      client: [h.node, `${h.nodeBuild}client.js`],
      driver: { kind: "raw" },
      server: [h.node, `${h.nodeBuild}raw-server.js`],
      runs: echoCases,
    },
  ];
}

/**
 * An alternative's client on Node against this library's Node-build server: the same server as
 * the "node" target's, so the two differ only in the client. ali-ons runs the JSON echo cases over
 * one connection, rocketmq-nodejs (a producer) the send cases.
 */
export function alternativeTarget(h: Harness, name: "ali-ons" | "rocketmq-nodejs", version: string, dir: string): Target {
  const nodeEntry = `${h.root}dist/node.js`;
  return {
    id: name,
    label: `${name} ${version}`,
    runtime: "node",
    role: "alternative",
    revision: null,
    client: [h.node, `${h.nodeBuild}client.js`],
    driver: { kind: name, dir },
    server: [h.node, `${h.nodeBuild}server.js`, nodeEntry],
    runs: name === "ali-ons" ? (c) => c.call === "echo" && c.serializeType === "JSON" && c.connections === 1 : (c) => c.call === "send",
  };
}

/** `argv` pinned to `cpu` with taskset, or as is when not pinning. */
export function pinned(cpu: number | null, argv: string[]): string[] {
  return cpu === null ? argv : ["taskset", "-c", String(cpu), ...argv];
}
