import type { LatencySummary } from "../core/observability/latency-histogram.ts";
import type { RemotingStats } from "../core/observability/remoting-stats.ts";
import type { TrafficStats } from "../core/observability/traffic-stats.ts";
import { requestCodeLabel, responseCodeLabel } from "./code-labels.ts";

/*
 * server.stats / client.stats in the Prometheus text exposition format (version 0.0.4), for
 * whoever scrapes without OpenTelemetry:
 *
 *   http response: renderPrometheus([{ stats: server.stats, labels: { endpoint: "broker" } }])
 *   Content-Type: PROMETHEUS_CONTENT_TYPE
 *
 * Request codes are labelled as Java labels them ("send_message", or the number); durations are
 * in seconds, as Prometheus names them.
 */

/** The Content-Type to serve renderPrometheus' output with (text exposition format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** One endpoint's stats, and the labels that tell its series from other sources'. */
export interface PrometheusSource {
  /** A snapshot: `server.stats`, `client.stats`, or `await workers.stats()` of startIoWorkers' handle. */
  stats: RemotingStats;
  /** Labels of every series of this source, e.g. { endpoint: "server" }, to tell several apart. */
  labels?: Readonly<Record<string, string>>;
}

/** How renderPrometheus names the metrics. */
export interface PrometheusOptions {
  /** Metric name prefix. Default "bun_remoting_". */
  prefix?: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels this renderer sets itself. */
const OWN_LABELS = new Set(["direction", "request_code", "error", "quantile"]);
const QUANTILES: [string, keyof LatencySummary][] = [
  ["0.5", "p50"],
  ["0.9", "p90"],
  ["0.99", "p99"],
];

type Labels = Readonly<Record<string, string>>;
type MetricType = "counter" | "gauge" | "summary";

const escapeLabelValue = (v: string): string => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (v: string): string => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

/** One metric family: its HELP and TYPE once, then all its samples, whichever source they come from. */
class Family {
  private readonly samples: string[] = [];

  constructor(
    readonly name: string,
    private readonly type: MetricType,
    private readonly help: string,
  ) {}

  add(labels: Labels, value: number, suffix = ""): void {
    this.samples.push(`${this.name}${suffix}${formatLabels(labels)} ${formatValue(value)}`);
  }

  render(): string {
    if (this.samples.length === 0) return "";
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n${this.samples.join("\n")}\n`;
  }
}

function checkLabels(labels: Labels): void {
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith("__")) throw new TypeError(`renderPrometheus: label name ${JSON.stringify(name)} is not a valid Prometheus label name`);
    if (OWN_LABELS.has(name)) throw new TypeError(`renderPrometheus: label "${name}" is set by the renderer itself`);
    if (typeof labels[name] !== "string") throw new TypeError(`renderPrometheus: label "${name}" must be a string`);
  }
}

/** A stats key ("10", "other") as a request_code label. */
const requestLabel = (key: string): string => (/^-?\d+$/.test(key) ? requestCodeLabel(Number(key)) : key);
/** An errorsByCode key: a response code ("1": "system_error"), an error code ("ERR_REMOTING_TIMEOUT") or "other". */
const errorLabel = (key: string): string => (/^-?\d+$/.test(key) ? responseCodeLabel(Number(key)) : key);

/** Renders one or more stats snapshots; each metric family appears once, with every source's series. */
export function renderPrometheus(sources: RemotingStats | readonly PrometheusSource[], options: PrometheusOptions = {}): string {
  const prefix = options.prefix ?? "bun_remoting_";
  if (!METRIC_NAME.test(`${prefix}x`)) throw new TypeError(`renderPrometheus: prefix ${JSON.stringify(prefix)} does not start a valid metric name`);
  const list: readonly PrometheusSource[] = Array.isArray(sources) ? sources : [{ stats: sources as RemotingStats }];
  const family = (name: string, type: MetricType, help: string): Family => new Family(prefix + name, type, help);
  const connections = family("connections", "gauge", "Open connections.");
  const inFlight = family("requests_in_flight", "gauge", "Requests from peers whose processor is running.");
  const queued = family("requests_queued", "gauge", "Requests from peers waiting for an executor slot.");
  const queuedBytes = family("send_queue_bytes", "gauge", "Bytes accepted for sending that the sockets have not taken yet.");
  const pendingCalls = family("calls_pending", "gauge", "Calls this endpoint made that are not settled yet.");
  const droppedEvents = family("channel_events_dropped_total", "counter", "Channel events dropped because the listener's queue was full.");
  const droppedRequests = family("requests_dropped_total", "counter", "Requests read but never started because their connection closed first.");
  const slowConsumers = family("slow_consumer_closes_total", "counter", "Connections closed because their unsent answers went past maxWriteBufferBytes.");
  const requests = family("requests_total", "counter", 'Requests by request code: direction "served" for peers\' requests to this endpoint, "invoked" for calls it made.');
  const errors = family("request_errors_total", "counter", "Requests that ended in an error: an answer other than SUCCESS (by response code) or a failed call (by error code).");
  const duration = family("request_duration_seconds", "summary", "Served: from arrival until the processor settled. Invoked: from the call until its answer. Quantiles at 12.5% resolution.");
  const durationMax = family("request_duration_max_seconds", "gauge", "The longest duration recorded.");

  const traffic = (labels: Labels, direction: "served" | "invoked", stats: TrafficStats): void => {
    for (const [key, c] of Object.entries(stats.byCode)) {
      const codeLabels = { ...labels, direction, request_code: requestLabel(key) };
      requests.add(codeLabels, c.requests);
      for (const [error, n] of Object.entries(c.errorsByCode)) errors.add({ ...codeLabels, error: errorLabel(error) }, n);
      const latency = c.latencyMs;
      if (latency === null) continue;
      for (const [quantile, field] of QUANTILES) duration.add({ ...codeLabels, quantile }, latency[field] / 1000);
      duration.add(codeLabels, latency.sum / 1000, "_sum");
      duration.add(codeLabels, latency.count, "_count");
      durationMax.add(codeLabels, latency.max / 1000);
    }
  };

  const seen = new Set<string>();
  for (const { stats, labels = {} } of list) {
    checkLabels(labels);
    const key = JSON.stringify(Object.entries(labels).sort());
    if (seen.has(key)) throw new TypeError(`renderPrometheus: two sources with the labels ${formatLabels(labels) || "{}"}; give each its own (their series would collide)`);
    seen.add(key);
    connections.add(labels, stats.connections);
    inFlight.add(labels, stats.inFlight);
    queued.add(labels, stats.queued);
    queuedBytes.add(labels, stats.bytesQueued);
    pendingCalls.add(labels, stats.pendingCalls);
    droppedEvents.add(labels, stats.droppedEvents);
    droppedRequests.add(labels, stats.droppedRequests);
    slowConsumers.add(labels, stats.slowConsumerCloses);
    traffic(labels, "served", stats.served);
    traffic(labels, "invoked", stats.invoked);
  }
  return [connections, inFlight, queued, queuedBytes, pendingCalls, droppedEvents, droppedRequests, slowConsumers, requests, errors, duration, durationMax].map((f) => f.render()).join("");
}
