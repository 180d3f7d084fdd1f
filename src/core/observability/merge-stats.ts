import type { LatencySummary } from "./latency-histogram.ts";
import type { RemotingStats } from "./remoting-stats.ts";
import type { CodeStats, TrafficStats } from "./traffic-stats.ts";

/**
 * Latency of several endpoints together: counts add up and `max` is exact; percentiles cannot be
 * combined from summaries, so each is the largest of the parts' (an upper bound).
 */
function mergeLatency(a: LatencySummary | null, b: LatencySummary | null): LatencySummary | null {
  if (a === null) return b;
  if (b === null) return a;
  return { count: a.count + b.count, sum: a.sum + b.sum, p50: Math.max(a.p50, b.p50), p90: Math.max(a.p90, b.p90), p99: Math.max(a.p99, b.p99), max: Math.max(a.max, b.max) };
}

function mergeCode(a: CodeStats | undefined, b: CodeStats): CodeStats {
  if (a === undefined) return { ...b, errorsByCode: { ...b.errorsByCode } };
  const errorsByCode = { ...a.errorsByCode };
  for (const [key, n] of Object.entries(b.errorsByCode)) errorsByCode[key] = (errorsByCode[key] ?? 0) + n;
  return { requests: a.requests + b.requests, errors: a.errors + b.errors, errorsByCode, latencyMs: mergeLatency(a.latencyMs, b.latencyMs) };
}

function mergeTraffic(parts: readonly TrafficStats[]): TrafficStats {
  const byCode: Record<string, CodeStats> = {};
  let requests = 0;
  let errors = 0;
  for (const part of parts) {
    requests += part.requests;
    errors += part.errors;
    for (const [code, stats] of Object.entries(part.byCode)) byCode[code] = mergeCode(byCode[code], stats);
  }
  return { requests, errors, byCode };
}

/** The stats of several endpoints (I/O workers) as one: every count summed (see mergeLatency for latency). */
export function mergeStats(parts: readonly RemotingStats[]): RemotingStats {
  const sum = (field: "connections" | "inFlight" | "queued" | "bytesQueued" | "pendingCalls" | "droppedEvents" | "droppedRequests" | "slowConsumerCloses"): number =>
    parts.reduce((total, part) => total + part[field], 0);
  return {
    connections: sum("connections"),
    inFlight: sum("inFlight"),
    queued: sum("queued"),
    bytesQueued: sum("bytesQueued"),
    pendingCalls: sum("pendingCalls"),
    droppedEvents: sum("droppedEvents"),
    droppedRequests: sum("droppedRequests"),
    slowConsumerCloses: sum("slowConsumerCloses"),
    served: mergeTraffic(parts.map((part) => part.served)),
    invoked: mergeTraffic(parts.map((part) => part.invoked)),
  };
}
