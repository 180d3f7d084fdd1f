import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type HistogramMetricData } from "@opentelemetry/sdk-metrics";
import dc from "node:diagnostics_channel";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createRequest,
  createResponse,
  RemotingAbortProcessError,
  RequestCode,
  ResponseChannel,
  ResponseCode,
  TracingChannels,
  type RemotingCommand,
  type RequestExecutor,
} from "../../src/index.ts";
import { instrumentRemoting, type RemotingInstrumentation } from "../../src/metrics/opentelemetry.ts";
import { RPC_LATENCY_BUCKETS_MS } from "../../src/metrics/remoting-metrics.ts";
import { addrOf, channelCatcher, deferred, echo, HOST, rejectionOf, sleep, unusedPort, useHarness } from "../helpers/harness.ts";

const h = useHarness();
let exporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let provider: MeterProvider;
let instrumentation: RemotingInstrumentation;

beforeEach(() => {
  exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  provider = new MeterProvider({ readers: [reader] });
  instrumentation = instrumentRemoting({ meterProvider: provider });
});

afterEach(async () => {
  instrumentation.close();
  await provider.shutdown();
});

interface Point {
  attributes: Record<string, unknown>;
  count: number;
  sum: number;
  /** Counts per bucket, by upper boundary (Infinity last). */
  buckets: Map<number, number>;
}

/** The data points of one histogram, as exported right now. */
async function points(name: string): Promise<Point[]> {
  await reader.forceFlush();
  const batches = exporter.getMetrics();
  const metric = batches.at(-1)?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name) as HistogramMetricData | undefined;
  exporter.reset();
  if (metric === undefined) return [];
  return metric.dataPoints.map((p) => ({
    attributes: { ...p.attributes },
    count: p.value.count,
    sum: p.value.sum ?? NaN,
    buckets: new Map([...p.value.buckets.boundaries, Infinity].map((b, i) => [b, p.value.buckets.counts[i]!])),
  }));
}

/** The count of the one point whose attributes are exactly `attributes` (0 when there is none). */
function countOf(ps: Point[], attributes: Record<string, unknown>): number {
  const matching = ps.filter((p) => JSON.stringify(Object.entries(p.attributes).sort()) === JSON.stringify(Object.entries(attributes).sort()));
  expect(matching.length).toBeLessThanOrEqual(1);
  return matching[0]?.count ?? 0;
}

const served = (requestCode: string, responseCode: string, result = "success") => ({
  protocol_type: "remoting",
  request_code: requestCode,
  response_code: responseCode,
  is_long_polling: false,
  result,
});
const called = (requestCode: string, result: string, responseCode?: string) => ({
  protocol_type: "remoting",
  request_code: requestCode,
  ...(responseCode === undefined ? {} : { response_code: responseCode }),
  result,
});

const ROUTE = RequestCode.GET_ROUTEINFO_BY_TOPIC; // "get_routeinfo_by_topic"
const SEND = RequestCode.SEND_MESSAGE;
const PULL = RequestCode.PULL_MESSAGE;

describe("rocketmq_rpc_latency and rocketmq_rpc_invoke_latency on a loopback pair", () => {
  test("instruments: Java's name, unit, description and bucket boundaries", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(ROUTE, echo));
    await h.client().invokeSync(addrOf(server), createRequest(ROUTE), 3000);
    await reader.forceFlush();
    const metrics = exporter.getMetrics().at(-1)!.scopeMetrics.flatMap((s) => s.metrics);
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    expect(byName.get("rocketmq_rpc_latency")!.descriptor).toMatchObject({ name: "rocketmq_rpc_latency", unit: "milliseconds", description: "Rpc latency" });
    expect(byName.get("rocketmq_rpc_invoke_latency")!.descriptor).toMatchObject({ unit: "milliseconds" });
    for (const m of byName.values()) expect((m as HistogramMetricData).dataPoints[0]!.value.buckets.boundaries).toEqual([...RPC_LATENCY_BUCKETS_MS]);
    expect([...RPC_LATENCY_BUCKETS_MS]).toEqual([1, 3, 5, 7, 10, 100, 1000, 2000, 3000]);
  });

  test("the server records each request it answers; the client each call it made", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(ROUTE, echo));
    const client = h.client();
    for (let i = 0; i < 3; i++) await client.invokeSync(addrOf(server), createRequest(ROUTE), 3000);
    expect(countOf(await points("rocketmq_rpc_latency"), served("get_routeinfo_by_topic", "success"))).toBe(3);
    expect(countOf(await points("rocketmq_rpc_invoke_latency"), called("get_routeinfo_by_topic", "success", "success"))).toBe(3);
  });

  test("the other way round: a server calling its client records on both sides too", async () => {
    const catcher = channelCatcher();
    const server = await h.server({}, (s) => s.registerProcessor(ROUTE, catcher.processor));
    const client = h.client();
    client.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, () => createResponse(ResponseCode.TRANSACTION_SHOULD_COMMIT, null));
    await client.invokeSync(addrOf(server), createRequest(ROUTE), 3000);
    const response = await server.invokeSync(await catcher.channel, createRequest(RequestCode.CHECK_TRANSACTION_STATE), 3000);
    expect(response.code).toBe(ResponseCode.TRANSACTION_SHOULD_COMMIT);
    expect(countOf(await points("rocketmq_rpc_latency"), served("check_transaction_state", "transaction_should_commit"))).toBe(1);
    expect(countOf(await points("rocketmq_rpc_invoke_latency"), called("check_transaction_state", "success", "transaction_should_commit"))).toBe(1);
  });

  test("a processor's error is recorded with the code it was answered with: SYSTEM_ERROR, or an abort's", async () => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(SEND, () => {
        throw new Error("boom");
      });
      s.registerProcessor(PULL, () => {
        throw new RemotingAbortProcessError(ResponseCode.NO_PERMISSION, "denied");
      });
    });
    const client = h.client();
    expect((await client.invokeSync(addrOf(server), createRequest(SEND), 3000)).code).toBe(ResponseCode.SYSTEM_ERROR);
    expect((await client.invokeSync(addrOf(server), createRequest(PULL), 3000)).code).toBe(ResponseCode.NO_PERMISSION);
    const ps = await points("rocketmq_rpc_latency");
    expect(countOf(ps, served("send_message", "system_error"))).toBe(1);
    expect(countOf(ps, served("pull_message", "no_permission"))).toBe(1);
    expect(countOf(await points("rocketmq_rpc_invoke_latency"), called("send_message", "success", "system_error"))).toBe(1);
  });

  test("async processors are recorded once, when they settle, with the time they took", async () => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(SEND, async () => {
        await sleep(25);
        return createResponse(ResponseCode.FLUSH_DISK_TIMEOUT, null);
      });
      s.registerProcessor(PULL, async () => {
        await sleep(1);
        throw new Error("later boom");
      });
    });
    const client = h.client();
    await client.invokeSync(addrOf(server), createRequest(SEND), 3000);
    await client.invokeSync(addrOf(server), createRequest(PULL), 3000);
    const ps = await points("rocketmq_rpc_latency");
    expect(ps.reduce((n, p) => n + p.count, 0)).toBe(2);
    expect(countOf(ps, served("pull_message", "system_error"))).toBe(1);
    const slow = ps.find((p) => p.attributes.request_code === "send_message")!;
    expect(slow.attributes).toEqual(served("send_message", "flush_disk_timeout"));
    expect(slow.sum).toBeGreaterThanOrEqual(20); // whole ms, at least the processor's sleep
    expect(slow.buckets.get(100)).toBe(1); // (10, 100]
    const call = (await points("rocketmq_rpc_invoke_latency")).find((p) => p.attributes.request_code === "send_message")!;
    expect(call.sum).toBeGreaterThanOrEqual(20);
  });

  test("an executor that runs processors elsewhere (begin, then complete) is recorded once, with the completed answer", async () => {
    const elsewhere: RequestExecutor = {
      execute(task) {
        if (task.begin()) setTimeout(() => task.complete(createResponse(ResponseCode.SYSTEM_BUSY, "busy elsewhere")), 1);
        return true;
      },
      idle: () => Promise.resolve(),
    };
    const server = await h.server({}, (s) => s.registerProcessor(ROUTE, echo, elsewhere));
    await h.client().invokeSync(addrOf(server), createRequest(ROUTE), 3000);
    const ps = await points("rocketmq_rpc_latency");
    expect(ps.map((p) => [p.attributes, p.count])).toEqual([[served("get_routeinfo_by_topic", "system_busy"), 1]]);
  });

  test("no answer (a processor returning null) is not recorded, as in Java; the caller's timeout is", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(ROUTE, () => null));
    const error = await rejectionOf(h.client().invokeSync(addrOf(server), createRequest(ROUTE), 50));
    expect((error as { code?: string }).code).toBe("ERR_REMOTING_TIMEOUT");
    expect(await points("rocketmq_rpc_latency")).toEqual([]);
    expect(countOf(await points("rocketmq_rpc_invoke_latency"), called("get_routeinfo_by_topic", "timeout"))).toBe(1);
  });

  test("oneway: an answer the processor gave is recorded as 'oneway'; no answer, nothing", async () => {
    const processed = deferred<number>();
    const server = await h.server({}, (s) => {
      s.registerProcessor(SEND, (_ctx, request: RemotingCommand) => {
        processed.resolve(request.code);
        return createResponse(ResponseCode.SUCCESS, null);
      });
      s.registerProcessor(PULL, () => null);
    });
    const client = h.client();
    await client.invokeOneway(addrOf(server), createRequest(PULL), 3000);
    await client.invokeOneway(addrOf(server), createRequest(SEND), 3000);
    await processed.promise; // frames arrive in order: PULL was processed before
    expect((await points("rocketmq_rpc_latency")).map((p) => [p.attributes, p.count])).toEqual([[served("send_message", "success", "oneway"), 1]]);
    const calls = await points("rocketmq_rpc_invoke_latency");
    expect(countOf(calls, called("send_message", "oneway"))).toBe(1);
    expect(countOf(calls, called("pull_message", "oneway"))).toBe(1);
  });

  test("failed calls: connect_failed, and a code without a processor answered REQUEST_CODE_NOT_SUPPORTED", async () => {
    const client = h.client({ connectTimeoutMs: 1000 });
    const error = await rejectionOf(client.invokeSync(`${HOST}:${await unusedPort()}`, createRequest(ROUTE), 2000));
    expect((error as { code?: string }).code).toBe("ERR_REMOTING_CONNECT");
    const server = await h.server();
    expect((await client.invokeSync(addrOf(server), createRequest(99999), 3000)).code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    const calls = await points("rocketmq_rpc_invoke_latency");
    expect(countOf(calls, called("get_routeinfo_by_topic", "connect_failed"))).toBe(1);
    expect(countOf(calls, called("99999", "success", "request_code_not_supported"))).toBe(1); // a code Java has no name for: the number
    // The server recorded its own answer too, as Java's writeResponse does.
    expect(countOf(await points("rocketmq_rpc_latency"), served("99999", "request_code_not_supported"))).toBe(1);
  });

  test("answers the endpoint gives itself (busy, rejected) are recorded; a long poll answered later is is_long_polling", async () => {
    const parked = deferred<() => void>();
    const server = await h.server({}, (s) => {
      s.registerProcessor(ROUTE, { processRequest: () => null, rejectRequest: () => true });
      s.registerProcessor(PULL, (ctx, request) => {
        parked.resolve(() => ctx.writeResponse(request, createResponse(ResponseCode.PULL_NOT_FOUND, "no new message")));
        return null;
      });
    });
    const client = h.client();
    expect((await client.invokeSync(addrOf(server), createRequest(ROUTE), 3000)).code).toBe(ResponseCode.SYSTEM_BUSY);
    const pull = client.invokeSync(addrOf(server), createRequest(PULL), 3000);
    (await parked.promise)();
    expect((await pull).code).toBe(ResponseCode.PULL_NOT_FOUND);
    const answers = await points("rocketmq_rpc_latency");
    expect(countOf(answers, served("get_routeinfo_by_topic", "system_busy"))).toBe(1);
    expect(countOf(answers, { ...served("pull_message", "pull_not_found"), is_long_polling: true })).toBe(1);
  });

  test("attributes given to instrumentRemoting are on every point", async () => {
    instrumentation.close();
    instrumentation = instrumentRemoting({ meterProvider: provider, attributes: { cluster: "DefaultCluster", node_type: "broker" } });
    const server = await h.server({}, (s) => s.registerProcessor(ROUTE, echo));
    await h.client().invokeSync(addrOf(server), createRequest(ROUTE), 3000);
    for (const name of ["rocketmq_rpc_latency", "rocketmq_rpc_invoke_latency"]) {
      const ps = await points(name);
      expect(ps.length).toBe(1);
      expect(ps[0]!.attributes).toMatchObject({ cluster: "DefaultCluster", node_type: "broker", protocol_type: "remoting" });
    }
  });
});

describe("the subscription", () => {
  const subscribed = (): boolean[] => [
    ...[TracingChannels.invoke, TracingChannels.process].flatMap((name) => {
      const c = dc.tracingChannel(name);
      return [c.start.hasSubscribers, c.end.hasSubscribers, c.asyncStart.hasSubscribers, c.asyncEnd.hasSubscribers, c.error.hasSubscribers];
    }),
    dc.channel(ResponseChannel).hasSubscribers,
  ];

  test("close() unsubscribes (so the library pays nothing again), is idempotent, and stops recording", async () => {
    expect(subscribed().some(Boolean)).toBe(true);
    instrumentation.close();
    instrumentation.close();
    expect(subscribed().some(Boolean)).toBe(false);
    const server = await h.server({}, (s) => s.registerProcessor(ROUTE, echo));
    await h.client().invokeSync(addrOf(server), createRequest(ROUTE), 3000);
    expect(await points("rocketmq_rpc_latency")).toEqual([]);
  });

  test("`using` closes it; meter and meterProvider together are a TypeError", () => {
    instrumentation.close();
    {
      using scoped = instrumentRemoting({ meter: provider.getMeter("test") });
      expect(scoped).toBeDefined();
      expect(subscribed().some(Boolean)).toBe(true);
    }
    expect(subscribed().some(Boolean)).toBe(false);
    expect(() => instrumentRemoting({ meter: provider.getMeter("x"), meterProvider: provider })).toThrow(TypeError);
  });

  test("only src/metrics/opentelemetry.ts imports @opentelemetry (an optional peer dependency)", () => {
    const src = join(import.meta.dir, "../../src");
    const importers = (readdirSync(src, { recursive: true }) as string[])
      .filter((file) => file.endsWith(".ts") && /from "@opentelemetry\//.test(readFileSync(join(src, file), "utf8")));
    expect(importers).toEqual(["metrics/opentelemetry.ts"]);
  });
});
