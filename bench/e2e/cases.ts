import type { SerializeType } from "bun-remoting";

/**
 * The end-to-end cases: a client and a server process on loopback, the server answering every
 * request with its own 64-byte body (a NameServer/Broker-sized call).
 */
export interface BenchCase {
  name: string;
  /** async: `inFlight` invokeAsync calls kept outstanding; sync: one caller awaiting invokeSync. */
  kind: "async" | "sync";
  inFlight: number;
  serializeType: SerializeType;
  bodyBytes: number;
}

/** The request code the bench server echoes. */
export const ECHO_CODE = 10;

export const CASES: readonly BenchCase[] = [
  { name: "invokeAsync x1024 ROCKETMQ 64 B", kind: "async", inFlight: 1024, serializeType: "ROCKETMQ", bodyBytes: 64 },
  { name: "invokeAsync x1024 JSON 64 B", kind: "async", inFlight: 1024, serializeType: "JSON", bodyBytes: 64 },
  { name: "invokeSync x1 ROCKETMQ 64 B", kind: "sync", inFlight: 1, serializeType: "ROCKETMQ", bodyBytes: 64 },
];

/** One case measured in one client process. Latencies are per request, in microseconds. */
export interface CaseResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50Us: number;
  p99Us: number;
  /** CPU other processes used during the measurement, in % of one CPU (null where unknown). */
  noiseCpuPct: number | null;
}

export interface ClientReport {
  runtime: string;
  version: string;
  results: CaseResult[];
}
