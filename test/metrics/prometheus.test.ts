import { describe, expect, test } from "bun:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { createRequest, RemotingAbortProcessError, RequestCode, ResponseCode, type RemotingStats } from "../../src/index.ts";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../../src/metrics/prometheus.ts";
import { addrOf, echo, HOST, rejectionOf, unusedPort, useHarness } from "../helpers/harness.ts";

const h = useHarness();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface ParsedFamily {
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(?:,|$)/;

/**
 * A strict reader of the text exposition format 0.0.4: HELP and TYPE at most once per family and
 * before its samples, a family's lines together, sample names that belong to their family, label
 * values with only \\, \" and \n escaped, float values, no series twice. Throws on any deviation.
 */
function readExposition(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith("\n")) throw new Error("the last line must end with a line feed");
  const families = new Map<string, ParsedFamily>();
  const series = new Set<string>();
  let current: string | null = null;
  const open = (name: string): ParsedFamily => {
    if (current !== name && families.has(name)) throw new Error(`family ${name} is not contiguous`);
    current = name;
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { type: "untyped", help: "", samples: [] }));
    return f;
  };
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = line.match(new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`));
    if (meta !== null) {
      const [, kind, name, rest] = meta;
      const f = open(name!);
      if (f.samples.length > 0) throw new Error(`${kind} of ${name} after its samples`);
      if (kind === "TYPE") {
        if (!["counter", "gauge", "summary", "histogram", "untyped"].includes(rest!)) throw new Error(`bad type ${rest}`);
        f.type = rest!;
      } else {
        if (/\\[^\\n]/.test(rest!)) throw new Error(`bad escape in HELP of ${name}`);
        f.help = rest!.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));
      }
      continue;
    }
    if (line.startsWith("#")) throw new Error(`unexpected comment ${line}`);
    const m = line.match(SAMPLE);
    if (m === null) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const [, sampleName, labelText = "", valueText] = m;
    const base = current !== null && (sampleName === current || sampleName === `${current}_count` || sampleName === `${current}_sum`) ? current : sampleName!;
    const f = open(base);
    if (base !== sampleName && f.type !== "summary" && f.type !== "histogram") throw new Error(`${sampleName} in ${f.type} ${base}`);
    const labels: Record<string, string> = {};
    let rest = labelText;
    while (rest.length > 0) {
      const l = rest.match(LABEL);
      if (l === null) throw new Error(`bad labels ${labelText}`);
      if (l[1]! in labels) throw new Error(`label ${l[1]} twice`);
      labels[l[1]!] = l[2]!.replace(/\\(\\|"|n)/g, (_, c: string) => (c === "n" ? "\n" : c));
      rest = rest.slice(l[0].length);
    }
    if (!/^(?:[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+)|NaN|[+-]Inf)$/i.test(valueText!)) throw new Error(`bad value ${valueText}`);
    const key = `${sampleName}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`series twice: ${key}`);
    series.add(key);
    f.samples.push({ name: sampleName!, labels, value: Number(valueText!.replace("Inf", "Infinity")) });
  }
  for (const [name, f] of families) if (f.type === "counter" && !name.endsWith("_total")) throw new Error(`counter ${name} without _total`);
  return families;
}

const value = (f: Map<string, ParsedFamily>, name: string, labels: Record<string, string>, sampleName = name): number | undefined =>
  f.get(name)?.samples.find((s) => s.name === sampleName && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()))?.value;

const stats = (overrides: Partial<RemotingStats> = {}): RemotingStats => ({
  connections: 3,
  inFlight: 2,
  queued: 1,
  bytesQueued: 4096,
  pendingCalls: 5,
  droppedEvents: 7,
  droppedRequests: 4,
  slowConsumerCloses: 1,
  served: {
    requests: 12,
    errors: 3,
    byCode: {
      "105": { requests: 10, errors: 1, errorsByCode: { "1": 1 }, latencyMs: { count: 10, sum: 20.5, p50: 0.25, p90: 1.5, p99: 12, max: 12.345 } },
      "99999": { requests: 1, errors: 1, errorsByCode: { "3": 1 }, latencyMs: null },
      other: { requests: 1, errors: 1, errorsByCode: { other: 1 }, latencyMs: null },
    },
  },
  invoked: {
    requests: 2,
    errors: 1,
    byCode: { "10": { requests: 2, errors: 1, errorsByCode: { ERR_REMOTING_TIMEOUT: 1 }, latencyMs: { count: 1, sum: 3, p50: 3, p90: 3, p99: 3, max: 3 } } },
  },
  ...overrides,
});

describe("renderPrometheus", () => {
  test("every field of a snapshot, under the format's rules, read back by a strict reader and by an independent parser", () => {
    const text = renderPrometheus([{ stats: stats(), labels: { endpoint: 'name"server\\\n' } }]);
    const f = readExposition(text);
    const ep = { endpoint: 'name"server\\\n' };
    expect([...f.keys()]).toEqual([
      "bun_remoting_connections",
      "bun_remoting_requests_in_flight",
      "bun_remoting_requests_queued",
      "bun_remoting_send_queue_bytes",
      "bun_remoting_calls_pending",
      "bun_remoting_channel_events_dropped_total",
      "bun_remoting_requests_dropped_total",
      "bun_remoting_slow_consumer_closes_total",
      "bun_remoting_requests_total",
      "bun_remoting_request_errors_total",
      "bun_remoting_request_duration_seconds",
      "bun_remoting_request_duration_max_seconds",
    ]);
    for (const [name, fam] of f) {
      expect(`${name}: ${fam.help.length > 0}`).toBe(`${name}: true`);
      expect(fam.type).toBe(name.endsWith("_total") ? "counter" : name === "bun_remoting_request_duration_seconds" ? "summary" : "gauge");
    }
    expect(value(f, "bun_remoting_connections", ep)).toBe(3);
    expect(value(f, "bun_remoting_requests_in_flight", ep)).toBe(2);
    expect(value(f, "bun_remoting_requests_queued", ep)).toBe(1);
    expect(value(f, "bun_remoting_send_queue_bytes", ep)).toBe(4096);
    expect(value(f, "bun_remoting_calls_pending", ep)).toBe(5);
    expect(value(f, "bun_remoting_channel_events_dropped_total", ep)).toBe(7);
    expect(value(f, "bun_remoting_requests_dropped_total", ep)).toBe(4);
    expect(value(f, "bun_remoting_slow_consumer_closes_total", ep)).toBe(1);
    const route = { ...ep, direction: "served", request_code: "get_routeinfo_by_topic" };
    expect(value(f, "bun_remoting_requests_total", route)).toBe(10);
    expect(value(f, "bun_remoting_requests_total", { ...ep, direction: "served", request_code: "99999" })).toBe(1);
    expect(value(f, "bun_remoting_requests_total", { ...ep, direction: "served", request_code: "other" })).toBe(1);
    expect(value(f, "bun_remoting_request_errors_total", { ...route, error: "system_error" })).toBe(1);
    expect(value(f, "bun_remoting_request_errors_total", { ...ep, direction: "served", request_code: "99999", error: "request_code_not_supported" })).toBe(1);
    expect(value(f, "bun_remoting_request_errors_total", { ...ep, direction: "served", request_code: "other", error: "other" })).toBe(1);
    expect(value(f, "bun_remoting_request_errors_total", { ...ep, direction: "invoked", request_code: "send_message", error: "ERR_REMOTING_TIMEOUT" })).toBe(1);
    expect(value(f, "bun_remoting_request_duration_seconds", { ...route, quantile: "0.5" })).toBe(0.00025);
    expect(value(f, "bun_remoting_request_duration_seconds", { ...route, quantile: "0.9" })).toBe(0.0015);
    expect(value(f, "bun_remoting_request_duration_seconds", { ...route, quantile: "0.99" })).toBe(0.012);
    expect(value(f, "bun_remoting_request_duration_seconds", route, "bun_remoting_request_duration_seconds_count")).toBe(10);
    expect(value(f, "bun_remoting_request_duration_seconds", route, "bun_remoting_request_duration_seconds_sum")).toBeCloseTo(0.0205, 6);
    expect(value(f, "bun_remoting_request_duration_max_seconds", route)).toBe(0.012345);
    // Codes without a latency have no duration series.
    expect(f.get("bun_remoting_request_duration_seconds")!.samples.some((s) => s.labels.request_code === "99999")).toBe(false);

    // An independent parser (a port of the Python client's) reads the same families, types and values.
    const independent = parsePrometheusTextFormat(text);
    expect(independent.map((fam) => [fam.name, fam.type])).toEqual([...f].map(([name, fam]) => [name, fam.type.toUpperCase()]));
    const errorsTotal = independent.find((fam) => fam.name === "bun_remoting_request_errors_total")!.metrics;
    expect(errorsTotal.find((m) => m.labels?.error === "system_error")).toEqual({ labels: { ...route, error: "system_error" }, value: "1" });
  });

  test("several sources: one family each, every source's series in it; a prefix; the content type", () => {
    const text = renderPrometheus(
      [
        { stats: stats(), labels: { endpoint: "server" } },
        { stats: stats({ connections: 1 }), labels: { endpoint: "client" } },
      ],
      { prefix: "rocketmq_remoting_" },
    );
    const f = readExposition(text);
    expect(value(f, "rocketmq_remoting_connections", { endpoint: "server" })).toBe(3);
    expect(value(f, "rocketmq_remoting_connections", { endpoint: "client" })).toBe(1);
    expect(text.match(/^# TYPE rocketmq_remoting_connections /gm)!.length).toBe(1);
    expect(PROMETHEUS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
    // A bare snapshot: no labels at all.
    expect(value(readExposition(renderPrometheus(stats())), "bun_remoting_connections", {})).toBe(3);
  });

  test("refused: a prefix that makes no metric name, bad or reserved label names, two sources with the same labels", () => {
    expect(() => renderPrometheus(stats(), { prefix: "9lives_" })).toThrow(/prefix "9lives_"/);
    expect(() => renderPrometheus(stats(), { prefix: "a-b_" })).toThrow(TypeError);
    expect(() => renderPrometheus([{ stats: stats(), labels: { "end-point": "x" } }])).toThrow(/label name "end-point"/);
    expect(() => renderPrometheus([{ stats: stats(), labels: { __name__: "x" } }])).toThrow(/label name "__name__"/);
    expect(() => renderPrometheus([{ stats: stats(), labels: { quantile: "x" } }])).toThrow(/set by the renderer itself/);
    expect(() => renderPrometheus([{ stats: stats() }, { stats: stats() }])).toThrow(/two sources with the labels \{\}/);
  });

  test("a live server and client, after real calls, render what their stats say", async () => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, echo);
      s.registerProcessor(RequestCode.SEND_MESSAGE, () => {
        throw new RemotingAbortProcessError(ResponseCode.NO_PERMISSION, "no");
      });
    });
    const client = h.client({ connectTimeoutMs: 500 });
    for (let i = 0; i < 4; i++) await client.invokeSync(addrOf(server), createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC), 3000);
    await client.invokeSync(addrOf(server), createRequest(RequestCode.SEND_MESSAGE), 3000);
    await rejectionOf(client.invokeSync(`${HOST}:${await unusedPort()}`, createRequest(RequestCode.HEART_BEAT), 1000));
    const f = readExposition(
      renderPrometheus([
        { stats: server.stats, labels: { endpoint: "server" } },
        { stats: client.stats, labels: { endpoint: "client" } },
      ]),
    );
    const served = { endpoint: "server", direction: "served" };
    const invoked = { endpoint: "client", direction: "invoked" };
    expect(value(f, "bun_remoting_connections", { endpoint: "server" })).toBe(1);
    expect(value(f, "bun_remoting_requests_total", { ...served, request_code: "get_routeinfo_by_topic" })).toBe(4);
    expect(value(f, "bun_remoting_request_errors_total", { ...served, request_code: "send_message", error: "no_permission" })).toBe(1);
    expect(value(f, "bun_remoting_request_duration_seconds", { ...served, request_code: "get_routeinfo_by_topic" }, "bun_remoting_request_duration_seconds_count")).toBe(4);
    expect(value(f, "bun_remoting_requests_total", { ...invoked, request_code: "get_routeinfo_by_topic" })).toBe(4);
    expect(value(f, "bun_remoting_request_errors_total", { ...invoked, request_code: "send_message", error: "no_permission" })).toBe(1);
    expect(value(f, "bun_remoting_request_errors_total", { ...invoked, request_code: "heart_beat", error: "ERR_REMOTING_CONNECT" })).toBe(1);
  });
});
