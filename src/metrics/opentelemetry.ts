/**
 * OpenTelemetry metrics for bun-remoting under Java 5.x's names (a separate entry point: only
 * this module imports @opentelemetry/api, an optional peer dependency).
 *
 *   const metrics = instrumentRemoting({ meterProvider });   // ... metrics.close()
 *
 * It subscribes to the library's diagnostics_channel tracing channels, so it sees every
 * RemotingServer and RemotingClient of the process, and nothing is paid until it is called.
 */
import { metrics, ValueType, type Attributes, type Histogram, type Meter, type MeterProvider } from "@opentelemetry/api";
import dc from "node:diagnostics_channel";
import { ResponseChannel, TracingChannels, type InvokeTraceContext, type ResponseTraceContext } from "../core/observability/trace-context.ts";
import type { RemotingError } from "../errors.ts";
import { requestCodeLabel, responseCodeLabel } from "./code-labels.ts";
import { RemotingMetrics, RemotingMetricsResult, RPC_LATENCY_BUCKETS_MS } from "./remoting-metrics.ts";

/** Where instrumentRemoting records, and what it adds to every point. */
export interface RemotingInstrumentationOptions {
  /** The meter to create the instruments with. Default: the global provider's meter "bun-remoting". */
  meter?: Meter;
  /** Or the provider to get meter "bun-remoting" from. */
  meterProvider?: MeterProvider;
  /** Added to every data point (Java's broker adds cluster, node_type, node_id... this way). */
  attributes?: Attributes;
}

/** What instrumentRemoting returns: a handle to stop recording. */
export interface RemotingInstrumentation {
  /** Stops recording (unsubscribes). Idempotent. */
  close(): void;
  /** `using`: close() when the scope ends. */
  [Symbol.dispose](): void;
}

/** When the call began, on the context object the tracing channels hand every event of one call. */
const STARTED_AT = Symbol("bun-remoting.metrics.startedAt");
type Timed = { [STARTED_AT]?: number };

const INVOKE_RESULTS: Record<string, string> = {
  ERR_REMOTING_TIMEOUT: RemotingMetricsResult.TIMEOUT,
  ERR_REMOTING_CONNECT: RemotingMetricsResult.CONNECT_FAILED,
  ERR_REMOTING_SEND_REQUEST: RemotingMetricsResult.SEND_REQUEST_FAILED,
  ERR_REMOTING_TOO_MUCH_REQUEST: RemotingMetricsResult.TOO_MUCH_REQUEST,
  ERR_REMOTING_ABORTED: RemotingMetricsResult.CANCELED,
};

const ANSWER_RESULTS: Record<ResponseTraceContext["outcome"], string> = {
  written: RemotingMetricsResult.SUCCESS,
  oneway: RemotingMetricsResult.ONEWAY,
  channel_closed: RemotingMetricsResult.WRITE_CHANNEL_FAILED,
};

/** Whole milliseconds since the call began, as Java's Stopwatch.elapsed(MILLISECONDS); -1 if it began before we listened. */
function elapsedMs(ctx: Timed): number {
  const startedAt = ctx[STARTED_AT];
  return startedAt === undefined ? -1 : Math.max(0, Math.floor(performance.now() - startedAt));
}

type TraceEvent = "start" | "end" | "asyncStart" | "asyncEnd" | "error";

/** Subscribes to some events of a tracing channel (Node and Bun take a partial set); returns the unsubscribe. */
function subscribe<C extends object>(name: string, handlers: Partial<Record<TraceEvent, (ctx: C) => void>>): () => void {
  const channel = dc.tracingChannel<C>(name);
  const subscribers = handlers as Parameters<typeof channel.subscribe>[0];
  channel.subscribe(subscribers);
  return () => channel.unsubscribe(subscribers);
}

function latencyHistogram(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, {
    description,
    unit: "milliseconds", // Java's spelling
    valueType: ValueType.INT,
    advice: { explicitBucketBoundaries: [...RPC_LATENCY_BUCKETS_MS] },
  });
}

/**
 * Records, until closed:
 * - `rocketmq_rpc_latency` (Java's): every answer this process wrote to a peer's request (a
 *   processor's, a late one, or one the endpoint gave itself: REQUEST_CODE_NOT_SUPPORTED,
 *   SYSTEM_BUSY, GO_AWAY, SYSTEM_ERROR), from the request's arrival, with protocol_type,
 *   request_code, response_code, is_long_polling (answered later through ctx.writeResponse) and
 *   result, as Java's NettyRemotingAbstract.writeResponse records it; nothing for a null answer.
 * - `rocketmq_rpc_invoke_latency` (this library's): every call made, with protocol_type,
 *   request_code, response_code (when an answer came) and result.
 */
export function instrumentRemoting(options: RemotingInstrumentationOptions = {}): RemotingInstrumentation {
  if (options.meter !== undefined && options.meterProvider !== undefined) throw new TypeError("instrumentRemoting: give meter or meterProvider, not both");
  const meter = options.meter ?? (options.meterProvider ?? metrics.getMeterProvider()).getMeter("bun-remoting");
  const base: Attributes = { ...options.attributes, [RemotingMetrics.LABEL_PROTOCOL_TYPE]: RemotingMetrics.PROTOCOL_TYPE_REMOTING };
  const rpcLatency = latencyHistogram(meter, RemotingMetrics.HISTOGRAM_RPC_LATENCY, "Rpc latency");
  const invokeLatency = latencyHistogram(meter, RemotingMetrics.HISTOGRAM_RPC_INVOKE_LATENCY, "Latency of the calls this process made");

  const start = (ctx: Timed): void => {
    ctx[STARTED_AT] = performance.now();
  };

  /** An answer to a peer's request was written (or was due and could not be): Java's writeResponse. */
  const answered = (message: unknown): void => {
    const ctx = message as ResponseTraceContext;
    rpcLatency.record(Math.floor(ctx.elapsedMs), {
      ...base,
      [RemotingMetrics.LABEL_IS_LONG_POLLING]: ctx.suspended,
      [RemotingMetrics.LABEL_REQUEST_CODE]: requestCodeLabel(ctx.request.code),
      [RemotingMetrics.LABEL_RESPONSE_CODE]: responseCodeLabel(ctx.response.code),
      [RemotingMetrics.LABEL_RESULT]: ANSWER_RESULTS[ctx.outcome],
    });
  };

  /** A call made settled (asyncStart comes before the caller's callback runs). */
  const invoked = (ctx: InvokeTraceContext & Timed): void => {
    const ms = elapsedMs(ctx);
    if (ms < 0) return;
    const attributes: Attributes = { ...base, [RemotingMetrics.LABEL_REQUEST_CODE]: requestCodeLabel(ctx.request.code) };
    if (ctx.error !== undefined) {
      attributes[RemotingMetrics.LABEL_RESULT] = INVOKE_RESULTS[(ctx.error as Partial<RemotingError>).code ?? ""] ?? RemotingMetricsResult.FAILED;
    } else if (ctx.result !== undefined) {
      attributes[RemotingMetrics.LABEL_RESPONSE_CODE] = responseCodeLabel(ctx.result.code);
      attributes[RemotingMetrics.LABEL_RESULT] = RemotingMetricsResult.SUCCESS;
    } else {
      attributes[RemotingMetrics.LABEL_RESULT] = RemotingMetricsResult.ONEWAY;
    }
    invokeLatency.record(ms, attributes);
  };

  dc.subscribe(ResponseChannel, answered);
  const unsubscribers = [() => dc.unsubscribe(ResponseChannel, answered), subscribe<InvokeTraceContext & Timed>(TracingChannels.invoke, { start, asyncStart: invoked })];
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
  return { close, [Symbol.dispose]: close };
}
