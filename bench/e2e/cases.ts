/**
 * The end-to-end cases: a measuring client process and a server process on loopback, the server
 * answering every request with the request's own body (an echo), so both directions carry
 * `bodyBytes` (or, for the send cases, answering as a broker). The short run measures SHORT_CASES;
 * `--full` measures FULL_CASES.
 */

export type CallKind =
  /** `inFlight` callers, each awaiting invokeSync back to back. */
  | "sync"
  /** `inFlight` invokeAsync calls kept outstanding. */
  | "async"
  /** Per connection, `inFlight` invokeOneway calls, then one invokeSync that returns once they were all processed. */
  | "oneway";

/** same: client and server pinned to one CPU; split: the server on another CPU. */
export type Placement = "same" | "split";

export type HeaderType = "ROCKETMQ" | "JSON";

/**
 * echo: ECHO_CODE, answered with the request's body. send: SEND_MESSAGE_V2 as a RocketMQ producer
 * sends it (the request header fields, a 64-byte message), answered as a broker does (a
 * SendMessageResponseHeader, no body): the call a native producer client can be compared on.
 */
export type CallName = "echo" | "send";

export interface BenchCase {
  /** Stable identifier (results files, --only). */
  id: string;
  label: string;
  kind: CallKind;
  /** Calls in flight over all connections (sync: callers; oneway: calls per batch and connection). */
  inFlight: number;
  connections: number;
  serializeType: HeaderType;
  bodyBytes: number;
  placement: Placement;
  call: CallName;
}

const KIND_LABEL: Record<CallKind, string> = { sync: "invokeSync", async: "invokeAsync", oneway: "invokeOneway" };

export function sizeLabel(bytes: number): string {
  if (bytes >= 1 << 20) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} B`;
}

function benchCase(kind: CallKind, inFlight: number, serializeType: HeaderType, bodyBytes: number, connections = 1, placement: Placement = "same", call: CallName = "echo"): BenchCase {
  const type = serializeType === "ROCKETMQ" ? "rmq" : "json";
  const id = `${call === "send" ? "send-" : ""}${kind}-x${inFlight}-${type}-${bodyBytes}b-c${connections}${placement === "split" ? "-split" : ""}`;
  const shape = kind === "sync" ? `${inFlight} caller${inFlight > 1 ? "s" : ""}` : kind === "oneway" ? `batches of ${inFlight}` : `x${inFlight}`;
  const where = [connections > 1 ? `${connections} connections` : "", placement === "split" ? "split CPUs" : ""].filter((s) => s !== "");
  const label = `${call === "send" ? "SEND_MESSAGE_V2 " : ""}${KIND_LABEL[kind]} ${shape}, ${serializeType}, ${sizeLabel(bodyBytes)}${where.length > 0 ? `, ${where.join(", ")}` : ""}`;
  return { id, label, kind, inFlight, connections, serializeType, bodyBytes, placement, call };
}

/** A producer's send, one at a time and 64 in flight: the native client's comparison. */
const SEND_CASES: readonly BenchCase[] = [benchCase("sync", 1, "JSON", 64, 1, "same", "send"), benchCase("async", 64, "JSON", 64, 1, "same", "send")];

/** The headline cases (the core issue's figures), one multi-connection case, and the producer's send. */
export const SHORT_CASES: readonly BenchCase[] = [
  benchCase("async", 1024, "ROCKETMQ", 64),
  benchCase("async", 1024, "JSON", 64),
  benchCase("sync", 1, "ROCKETMQ", 64),
  benchCase("async", 1, "ROCKETMQ", 1 << 20),
  benchCase("async", 64, "ROCKETMQ", 1024, 8),
  ...SEND_CASES,
];

export const FULL_CASES: readonly BenchCase[] = [
  // How the call is made: 64-byte bodies, one connection.
  benchCase("sync", 1, "ROCKETMQ", 64),
  benchCase("sync", 16, "ROCKETMQ", 64),
  benchCase("async", 1, "ROCKETMQ", 64),
  benchCase("async", 64, "ROCKETMQ", 64),
  benchCase("async", 1024, "ROCKETMQ", 64),
  benchCase("oneway", 1024, "ROCKETMQ", 64),
  // The same with JSON headers.
  benchCase("sync", 1, "JSON", 64),
  benchCase("sync", 16, "JSON", 64),
  benchCase("async", 64, "JSON", 64),
  benchCase("async", 1024, "JSON", 64),
  benchCase("oneway", 1024, "JSON", 64),
  // Body sizes.
  benchCase("async", 64, "ROCKETMQ", 0),
  benchCase("async", 64, "ROCKETMQ", 1024),
  benchCase("async", 64, "ROCKETMQ", 64 * 1024),
  benchCase("sync", 1, "ROCKETMQ", 64 * 1024),
  benchCase("async", 1, "ROCKETMQ", 1 << 20),
  benchCase("async", 4, "ROCKETMQ", 1 << 20),
  // Eight connections.
  benchCase("async", 1024, "ROCKETMQ", 64, 8),
  benchCase("async", 64, "ROCKETMQ", 1024, 8),
  benchCase("sync", 16, "ROCKETMQ", 64, 8),
  // Server on another CPU (only when a second CPU is given).
  benchCase("sync", 1, "ROCKETMQ", 64, 1, "split"),
  benchCase("async", 1024, "ROCKETMQ", 64, 1, "split"),
  benchCase("async", 1, "ROCKETMQ", 1 << 20, 1, "split"),
  // A producer's send.
  ...SEND_CASES,
];

/** The request code the bench servers echo. */
export const ECHO_CODE = 10;
/** SEND_MESSAGE_V2: what producers send; the bench server answers it as a broker. */
export const SEND_CODE = 310;
/** The topic the send cases send to (the bench server routes every topic to itself). */
export const SEND_TOPIC = "BenchTopic";
