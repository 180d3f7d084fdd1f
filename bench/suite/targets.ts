import type { BenchCase } from "../e2e/cases.ts";
import type { DriverSpec } from "../e2e/job.ts";
import type { TargetInfo } from "./results.ts";

/** What the runner starts for one target: the measuring client and the server it measures. */
export interface Target extends TargetInfo {
  /** The client process (without pinning); the job is appended as its last argument. */
  client: string[];
  driver: DriverSpec;
  /** The server process of a case (without pinning). */
  server(c: BenchCase): string[];
  /** Whether this target can run the case. */
  runs(c: BenchCase): boolean;
  /**
   * Why a case this target does not run is not applicable to it, where the page should say so
   * ("n/a" and the reason) rather than leave the cell empty; null otherwise.
   */
  whyNot(c: BenchCase): string | null;
}

/** Where the bench harness lives: always the working tree's, whichever library revision it drives. */
export interface Harness {
  /** The working tree, with a trailing slash. */
  root: string;
  bun: string;
  node: string;
  /** The Node bundles of the bench processes (scripts/node-bundle.ts), with a trailing slash. */
  nodeBuild: string;
  /** The version of `node` (I/O workers need its listen's reusePort). */
  nodeVersion: string;
}

/** net.Server.listen takes reusePort from Node 22.12 and 23.1 on; I/O workers share their port with it. */
export function nodeHasReusePort(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major >= 24 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

const reusePortMissing = (h: Harness): string => `Node ${h.nodeVersion}: net.Server.listen has no reusePort before Node 22.12, and I/O worker threads share their port with it`;

/** How a Node target answers for I/O worker cases: runs them when its listen has reusePort, else says why not. */
function nodeIoWorkers(h: Harness): { runs: boolean; whyNot: string | null } {
  return nodeHasReusePort(h.nodeVersion) ? { runs: true, whyNot: null } : { runs: false, whyNot: reusePortMissing(h) };
}

/** A raw client has no oneway form (what would it be the limit of?). */
const echoCases = (c: BenchCase): boolean => c.kind !== "oneway" && c.call === "echo";
/**
 * A send one at a time has a ceiling too: raw frames on Bun's sockets to the same BrokerLite
 * (bench/e2e/drivers/raw-send.ts). It shows what a lone send's round trip allows any client; with
 * 64 in flight it would add to the short run's time what `bun bench/producer.bench.ts` shows anyway.
 */
const rawSendCases = (c: BenchCase): boolean => c.kind === "sync" && c.call === "send";

/** The broker every target's producer sends to in the send cases: BrokerLite from the working tree, on Bun. */
const brokerServer = (h: Harness): string[] => [h.bun, `${h.root}bench/producer/broker.ts`];

/** This library on both runtimes: Bun runs the sources on Bun sockets, Node runs dist/ on node:net. */
export function libraryTargets(h: Harness, libRoot: string, revision: string | null): Target[] {
  const suffix = revision === null ? "" : `@${revision}`;
  const bunEntry = `${libRoot}src/index.ts`;
  const nodeEntry = `${libRoot}dist/node.js`;
  const nodeIo = nodeIoWorkers(h);
  return [
    {
      id: `bun${suffix}`,
      label: `this library, Bun build${suffix}`,
      runtime: "bun",
      role: "library",
      revision,
      client: [h.bun, `${h.root}bench/e2e/client.ts`],
      driver: { kind: "library", entry: bunEntry },
      server: (c) =>
        c.call === "send" ? brokerServer(h) : c.ioWorkers > 0 ? [h.bun, `${h.root}bench/e2e/io-server.ts`, bunEntry, String(c.ioWorkers)] : [h.bun, `${h.root}bench/e2e/server.ts`, bunEntry],
      runs: () => true,
      whyNot: () => null,
    },
    {
      id: `node${suffix}`,
      label: `this library, Node build${suffix}`,
      runtime: "node",
      role: "library",
      revision,
      client: [h.node, `${h.nodeBuild}client.js`],
      driver: { kind: "library", entry: nodeEntry },
      server: (c) =>
        c.call === "send" ? brokerServer(h) : c.ioWorkers > 0 ? [h.node, `${h.nodeBuild}io-server.js`, nodeEntry, String(c.ioWorkers)] : [h.node, `${h.nodeBuild}server.js`, nodeEntry],
      runs: (c) => c.ioWorkers === 0 || nodeIo.runs,
      whyNot: (c) => (c.ioWorkers > 0 ? nodeIo.whyNot : null),
    },
  ];
}

/**
 * The socket limit on both runtimes: raw echo, same frame sizes, connections and threads; on Bun,
 * for the sends one at a time, pre-encoded sends to the producers' broker.
 */
export function rawTargets(h: Harness): Target[] {
  const nodeIo = nodeIoWorkers(h);
  const threads = (c: BenchCase): string[] => (c.ioWorkers > 0 ? [String(c.ioWorkers)] : []);
  return [
    {
      id: "raw-bun",
      label: "raw echo, Bun sockets",
      runtime: "bun",
      role: "raw",
      revision: null,
      client: [h.bun, `${h.root}bench/e2e/client.ts`],
      driver: { kind: "raw" },
      server: (c) => (c.call === "send" ? brokerServer(h) : [h.bun, `${h.root}bench/e2e/raw-server.ts`, ...threads(c)]),
      runs: (c) => echoCases(c) || rawSendCases(c),
      whyNot: () => null,
    },
    {
      id: "raw-node",
      label: "raw echo, node:net",
      runtime: "node",
      role: "raw",
      revision: null,
      client: [h.node, `${h.nodeBuild}client.js`],
      driver: { kind: "raw" },
      server: (c) => [h.node, `${h.nodeBuild}raw-server.js`, ...threads(c)],
      runs: (c) => echoCases(c) && (c.ioWorkers === 0 || nodeIo.runs),
      whyNot: (c) => (echoCases(c) && c.ioWorkers > 0 ? nodeIo.whyNot : null),
    },
  ];
}

/**
 * An alternative's client on Node against the same server as the "node" target's, so the two
 * differ only in the client: this library's Node-build server for the echo cases, BrokerLite for
 * the send cases. ali-ons runs the JSON echo cases over one connection and, with its Producer, the
 * send cases; rocketmq-nodejs (a producer) the send cases.
 */
export function alternativeTarget(h: Harness, name: "ali-ons" | "rocketmq-nodejs", version: string, dir: string): Target {
  const nodeEntry = `${h.root}dist/node.js`;
  const oneProcess = (c: BenchCase): boolean => c.clientProcesses === 1 && c.ioWorkers === 0;
  return {
    id: name,
    label: `${name} ${version}`,
    runtime: "node",
    role: "alternative",
    revision: null,
    client: [h.node, `${h.nodeBuild}client.js`],
    driver: { kind: name, dir },
    server: (c) => (c.call === "send" ? brokerServer(h) : [h.node, `${h.nodeBuild}server.js`, nodeEntry]),
    runs: (c) => oneProcess(c) && (c.call === "send" || (name === "ali-ons" && c.serializeType === "JSON" && c.connections === 1)),
    whyNot: () => null,
  };
}
