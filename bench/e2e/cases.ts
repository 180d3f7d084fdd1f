/**
 * The end-to-end cases: measuring client processes and a server process on loopback, the server
 * answering every request with the request's own body (an echo), so both directions carry
 * `bodyBytes` (or, for the send cases, a producer sending to a broker). The short run measures SHORT_CASES;
 * `--full` measures FULL_CASES. SWEEPS are the series of cases the report shows as one table each.
 */

export type CallKind =
  /** `inFlight` callers, each awaiting invokeSync back to back. */
  | "sync"
  /** `inFlight` invokeAsync calls kept outstanding. */
  | "async"
  /** Per connection, `inFlight` invokeOneway calls, then one invokeSync that returns once they were all processed. */
  | "oneway";

/**
 * same: client and server pinned to one CPU; split: the server on another CPU; spread: the client
 * processes and the server's threads all free to run on both CPUs (I/O workers need more than one).
 */
export type Placement = "same" | "split" | "spread";

export type HeaderType = "ROCKETMQ" | "JSON";

/**
 * echo: ECHO_CODE, answered with the request's body. send: a producer's send of a message of
 * `bodyBytes` to BrokerLite (bench/producer/broker.ts), which stores it and answers as a broker
 * does: what producers (this library's and the alternatives') are compared on.
 */
export type CallName = "echo" | "send";

export interface BenchCase {
  /** Stable identifier (results files, --only). */
  id: string;
  label: string;
  kind: CallKind;
  /** Calls in flight over all connections (sync: callers; oneway: calls per batch and connection). */
  inFlight: number;
  /** Connections over all client processes. */
  connections: number;
  serializeType: HeaderType;
  bodyBytes: number;
  placement: Placement;
  call: CallName;
  /** Client processes sharing the connections and calls evenly (1: the measuring process alone). */
  clientProcesses: number;
  /** The server's I/O worker threads (startIoWorkers); 0: one RemotingServer on its main thread. */
  ioWorkers: number;
}

const KIND_LABEL: Record<CallKind, string> = { sync: "invokeSync", async: "invokeAsync", oneway: "invokeOneway" };

export function sizeLabel(bytes: number): string {
  if (bytes >= 1 << 20) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} B`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

interface Shape {
  kind: CallKind;
  inFlight: number;
  header?: HeaderType;
  bodyBytes?: number;
  connections?: number;
  /** Where the server runs; I/O worker cases are always spread over both CPUs. */
  placement?: Exclude<Placement, "spread">;
  call?: CallName;
  clientProcesses?: number;
  ioWorkers?: number;
}

/** A case from its shape (64-byte ROCKETMQ echo over one connection, one process, unless told otherwise). */
export function benchCase(shape: Shape): BenchCase {
  const { kind, inFlight, header: serializeType = "ROCKETMQ", bodyBytes = 64, connections = 1, call = "echo", clientProcesses = 1, ioWorkers = 0 } = shape;
  const placement: Placement = ioWorkers > 0 ? "spread" : (shape.placement ?? "same");
  if (connections % clientProcesses !== 0 || inFlight % clientProcesses !== 0) throw new Error(`${clientProcesses} client processes cannot share ${connections} connections and ${inFlight} calls evenly`);
  const type = serializeType === "ROCKETMQ" ? "rmq" : "json";
  const processes = clientProcesses > 1 ? `-p${clientProcesses}` : "";
  const io = ioWorkers > 0 ? `-io${ioWorkers}` : "";
  const id = `${call === "send" ? "send-" : ""}${kind}-x${inFlight}-${type}-${bodyBytes}b-c${connections}${processes}${io}${placement === "split" ? "-split" : ""}`;
  const shapeText = kind === "sync" ? plural(inFlight, "caller") : kind === "oneway" ? `batches of ${inFlight}` : `x${inFlight}`;
  const details = [
    connections > 1 ? `${connections} connections` : "",
    clientProcesses > 1 ? `${clientProcesses} client processes` : "",
    ioWorkers > 0 ? plural(ioWorkers, "I/O worker") : "",
    placement === "split" ? "split CPUs" : placement === "spread" ? "both CPUs" : "",
  ].filter((s) => s !== "");
  const what = call === "send" ? `Producer send to BrokerLite, ${kind !== "sync" ? `${inFlight} in flight` : inFlight === 1 ? "one at a time" : plural(inFlight, "sender")}` : `${KIND_LABEL[kind]} ${shapeText}, ${serializeType}`;
  const label = `${what}, ${sizeLabel(bodyBytes)}${details.length > 0 ? `, ${details.join(", ")}` : ""}`;
  return { id, label, kind, inFlight, connections, serializeType, bodyBytes, placement, call, clientProcesses, ioWorkers };
}

/** A series of cases that differ in one thing, shown as one table, a row per case. */
export interface Sweep {
  id: string;
  title: string;
  /** What the rows have in common, said once above the table. */
  about: string;
  /** The header of the column that varies. */
  axis: string;
  /** Body sizes vary: show MB/s next to requests/s. */
  megabytes: boolean;
  rows: { caseId: string; point: string; shape: string }[];
  /** Part of the short run (every sweep is part of --full). */
  short: boolean;
}

function sweep(meta: Omit<Sweep, "rows">, cases: BenchCase[], point: (c: BenchCase) => string, shape: (c: BenchCase) => string): { sweep: Sweep; cases: BenchCase[] } {
  return { sweep: { ...meta, rows: cases.map((c) => ({ caseId: c.id, point: point(c), shape: shape(c) })) }, cases };
}

/** The body sizes swept, from a small RocketMQ header's size to a large message batch. */
const SWEEP_BODIES = [64, 1 << 10, 16 << 10, 256 << 10, 4 << 20] as const;
/** The connection counts swept: one, a few producers, a busy broker's clients, many. */
const SWEEP_CONNECTIONS = [1, 8, 64, 512] as const;
const SWEEP_IO_WORKERS = [1, 2] as const;

/**
 * Calls in flight per body size: enough to keep the connection busy both ways (up to 1024, the
 * headline depth), but at most 1 MiB of bodies in flight: 64 B and 1 KiB x1024, 16 KiB x64,
 * 256 KiB x4, 4 MiB one at a time. More would add queueing, not throughput: that much already
 * fills the socket buffers, and the server stops reading a connection whose unsent answers would
 * pass its maxWriteBufferBytes (4 MiB), so deeper large bodies would measure that back-pressure.
 */
export const sweepInFlight = (bodyBytes: number): number => Math.max(1, Math.min(1024, (1 << 20) / bodyBytes));

const inFlightText = (c: BenchCase): string => (c.kind === "sync" ? plural(c.inFlight, "caller") : `${c.inFlight} in flight`);

const BODY_ASYNC = sweep(
  {
    id: "body-async",
    title: "Body size, pipelined",
    about: "invokeAsync over one connection, ROCKETMQ headers, bodies echoed. Calls in flight: up to 1024, at most 1 MiB of bodies (so 4 MiB bodies go one at a time).",
    axis: "body",
    megabytes: true,
    short: true,
  },
  SWEEP_BODIES.map((bodyBytes) => benchCase({ kind: "async", inFlight: sweepInFlight(bodyBytes), bodyBytes })),
  (c) => sizeLabel(c.bodyBytes),
  inFlightText,
);

const BODY_SYNC = sweep(
  {
    id: "body-sync",
    title: "Body size, one call at a time",
    about: "One invokeSync caller over one connection, ROCKETMQ headers, bodies echoed: the round trip of each size.",
    axis: "body",
    megabytes: true,
    short: false,
  },
  SWEEP_BODIES.map((bodyBytes) => benchCase({ kind: "sync", inFlight: 1, bodyBytes })),
  (c) => sizeLabel(c.bodyBytes),
  inFlightText,
);

const CONNECTIONS_ASYNC = sweep(
  {
    id: "connections-async",
    title: "Connections, pipelined",
    about: "invokeAsync, 1024 calls in flight spread evenly over the connections (one RemotingClient each), 64-byte bodies, ROCKETMQ headers; the raw echo with as many connections.",
    axis: "connections",
    megabytes: false,
    short: true,
  },
  SWEEP_CONNECTIONS.map((connections) => benchCase({ kind: "async", inFlight: 1024, connections })),
  (c) => String(c.connections),
  (c) => `${c.inFlight / c.connections} per connection`,
);

const CONNECTIONS_SYNC = sweep(
  {
    id: "connections-sync",
    title: "Connections, one caller each",
    about: "One invokeSync caller per connection (one RemotingClient each), 64-byte bodies, ROCKETMQ headers: many clients, each waiting for its answer.",
    axis: "connections",
    megabytes: false,
    short: false,
  },
  SWEEP_CONNECTIONS.map((connections) => benchCase({ kind: "sync", inFlight: connections, connections })),
  (c) => String(c.connections),
  inFlightText,
);

const IO_WORKERS = sweep(
  {
    id: "io-workers",
    title: "I/O worker threads",
    about:
      "The server as startIoWorkers: each thread runs its own RemotingServer on the shared port (reusePort; the kernel spreads the connections over the threads by a hash of their addresses, so not always evenly). 4 client processes with 8 connections and 256 calls in flight each (invokeAsync, 64-byte bodies, ROCKETMQ), so one client process is not the limit; every process free on both CPUs. The raw echo with as many threads and client processes.",
    axis: "I/O threads",
    megabytes: false,
    short: true,
  },
  SWEEP_IO_WORKERS.map((ioWorkers) => benchCase({ kind: "async", inFlight: 1024, connections: 32, clientProcesses: 4, ioWorkers })),
  (c) => String(c.ioWorkers),
  (c) => `${c.clientProcesses} processes, ${c.connections} connections, ${c.inFlight} in flight`,
);

const SWEPT = [BODY_ASYNC, CONNECTIONS_ASYNC, IO_WORKERS, BODY_SYNC, CONNECTIONS_SYNC];
export const SWEEPS: readonly Sweep[] = SWEPT.map((s) => s.sweep);

/** Load before measuring a case on processes started for it, for the JIT (a send case: SEND_FRESH_WARMUP_S). */
export const FRESH_WARMUP_S = 1;

/**
 * A send case's warm-up on processes started for it. The send path (the producer's and the
 * broker's) is several times an echo's code, and JavaScriptCore tiers a function up by how often it
 * runs: one send at a time, a fresh producer and broker were still compiling after 20 000 sends
 * (450 ms of compile time reported by BUN_JSC_reportCompileTimes, on the pinned CPU, with stalls of
 * 1-4 ms taking a third of the measured second), and steady from about 30 000. Every target gets
 * the same time.
 */
export const SEND_FRESH_WARMUP_S = 3;

/** How long case `c` warms up on processes started for it, given the run's `firstWarmupS`. */
export function freshWarmupS(c: Pick<BenchCase, "call">, firstWarmupS: number): number {
  return c.call === "send" ? Math.max(firstWarmupS, SEND_FRESH_WARMUP_S) : firstWarmupS;
}

/**
 * A producer's send to BrokerLite (bench/producer/broker.ts), 64 in flight and one at a time: each
 * target's producer (this library's Producer, ali-ons', rocketmq-nodejs') against a broker of its
 * own, started for it. 64 in flight comes first, so that during its warm-up (freshWarmupS) each
 * target's own traffic warms the broker's JIT up: ali-ons' 4 k sends/s one at a time left the
 * broker compiling into the measurements that followed (its one-at-a-time sends: 4.4 k/s first,
 * 10.2-10.8 k/s after its 64 in flight; its 64 in flight on a fresh broker: 25, then 30, then
 * 33 k/s in three runs).
 */
const SEND_CASES: readonly BenchCase[] = [
  benchCase({ kind: "async", inFlight: 64, header: "JSON", call: "send" }),
  benchCase({ kind: "sync", inFlight: 1, header: "JSON", call: "send" }),
];
/** The same with 1 KiB messages (the full run). */
const SEND_CASES_KIB: readonly BenchCase[] = [
  benchCase({ kind: "async", inFlight: 64, header: "JSON", call: "send", bodyBytes: 1024 }),
  benchCase({ kind: "sync", inFlight: 1, header: "JSON", call: "send", bodyBytes: 1024 }),
];

/** The headline cases (the core issue's figures) and the producer's send: counted over every round of a short run. */
export const SHORT_HEADLINE_CASES: readonly BenchCase[] = [
  benchCase({ kind: "async", inFlight: 1024 }),
  benchCase({ kind: "async", inFlight: 1024, header: "JSON" }),
  benchCase({ kind: "sync", inFlight: 1 }),
  benchCase({ kind: "async", inFlight: 1, bodyBytes: 1 << 20 }),
  ...SEND_CASES,
];

/** `cases` then those of `more` not among them (sweeps share points with the headline cases). */
function union(cases: readonly BenchCase[], more: readonly BenchCase[]): BenchCase[] {
  const out = [...cases];
  for (const c of more) if (!out.some((o) => o.id === c.id)) out.push(c);
  return out;
}

export const SHORT_CASES: readonly BenchCase[] = union(
  SHORT_HEADLINE_CASES,
  SWEPT.filter((s) => s.sweep.short).flatMap((s) => s.cases),
);

const rmq = (kind: CallKind, inFlight: number, more: Partial<Shape> = {}): BenchCase => benchCase({ kind, inFlight, ...more });
const json = (kind: CallKind, inFlight: number): BenchCase => benchCase({ kind, inFlight, header: "JSON" });

export const FULL_CASES: readonly BenchCase[] = union(
  [
    // How the call is made: 64-byte bodies, one connection.
    rmq("sync", 1),
    rmq("sync", 16),
    rmq("async", 1),
    rmq("async", 64),
    rmq("async", 1024),
    rmq("oneway", 1024),
    // The same with JSON headers.
    json("sync", 1),
    json("sync", 16),
    json("async", 64),
    json("async", 1024),
    json("oneway", 1024),
    // Body sizes.
    rmq("async", 64, { bodyBytes: 0 }),
    rmq("async", 64, { bodyBytes: 1024 }),
    rmq("async", 64, { bodyBytes: 64 * 1024 }),
    rmq("sync", 1, { bodyBytes: 64 * 1024 }),
    rmq("async", 1, { bodyBytes: 1 << 20 }),
    rmq("async", 4, { bodyBytes: 1 << 20 }),
    // Eight connections.
    rmq("async", 1024, { connections: 8 }),
    rmq("async", 64, { bodyBytes: 1024, connections: 8 }),
    rmq("sync", 16, { connections: 8 }),
    // Server on another CPU (only when a second CPU is given).
    rmq("sync", 1, { placement: "split" }),
    rmq("async", 1024, { placement: "split" }),
    rmq("async", 1, { bodyBytes: 1 << 20, placement: "split" }),
    benchCase({ kind: "async", inFlight: 64, header: "JSON", call: "send", placement: "split" }),
    // A producer's send.
    ...SEND_CASES,
    ...SEND_CASES_KIB,
  ],
  SWEPT.flatMap((s) => s.cases),
);

/** The request code the bench servers echo. */
export const ECHO_CODE = 10;
/** The topic the send cases send to (bench/producer/broker.ts creates it). */
export const SEND_TOPIC = "BenchTopic";
