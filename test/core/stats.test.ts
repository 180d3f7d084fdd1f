import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingClient,
  RemotingServer,
  silentLogger,
  type RemotingStats,
} from "../../src/index.ts";
import { addrOf, asyncCall, unusedPort, deferred, echo, useHarness, HOST, rejectionOf, waitFor, within } from "../helpers/harness.ts";
import { MemoryTransport } from "../helpers/memory-transport.ts";
import { ManualTimers } from "../helpers/manual-timers.ts";

const ECHO = 10;
const THROW = 11;
const HANG = 12;
const BUSY = 17;

const h = useHarness();

const EMPTY = { requests: 0, errors: 0, byCode: {} };

describe("stats", () => {
  test("a fresh endpoint reports zeros; the snapshot is plain data (JSON round trip)", async () => {
    const server = await h.server();
    const client = h.client();
    for (const stats of [server.stats, client.stats]) {
      expect(stats).toEqual({ connections: 0, inFlight: 0, queued: 0, bytesQueued: 0, pendingCalls: 0, droppedEvents: 0, droppedRequests: 0, slowConsumerCloses: 0, served: EMPTY, invoked: EMPTY });
      expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    }
  });

  test("requests, errors by code and latency, on both sides of 20 calls", async () => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.registerProcessor(THROW, () => {
        throw new Error("boom");
      });
      s.registerProcessor(BUSY, () => createResponse(17, "no such topic"));
    });
    const client = h.client();
    const addr = addrOf(server);
    for (let i = 0; i < 20; i++) await client.invokeSync(addr, createRequest(ECHO), 3000);
    await client.invokeSync(addr, createRequest(THROW), 3000);
    await client.invokeSync(addr, createRequest(BUSY), 3000);
    await client.invokeSync(addr, createRequest(999), 3000); // no processor: REQUEST_CODE_NOT_SUPPORTED
    await client.invokeOneway(addr, createRequest(998), 3000); // oneway: never answered, still counted
    await waitFor(() => (server.stats.served.byCode["998"]?.errors ?? 0) === 1, "the oneway request to arrive");

    const served = server.stats.served;
    expect(served.requests).toBe(24);
    expect(served.errors).toBe(4);
    const echoServed = served.byCode[String(ECHO)]!;
    expect(echoServed).toMatchObject({ requests: 20, errors: 0, errorsByCode: {} });
    expect(echoServed.latencyMs!.count).toBe(20);
    expect(served.byCode[String(THROW)]).toMatchObject({ requests: 1, errors: 1, errorsByCode: { "1": 1 } });
    expect(served.byCode[String(BUSY)]).toMatchObject({ requests: 1, errors: 1, errorsByCode: { "17": 1 } });
    expect(served.byCode["999"]).toMatchObject({ requests: 1, errors: 1, errorsByCode: { "3": 1 }, latencyMs: null });
    expect(served.byCode["998"]).toMatchObject({ requests: 1, errors: 1, errorsByCode: { "3": 1 } });

    const invoked = client.stats.invoked;
    expect(invoked.requests).toBe(24);
    const echoCalls = invoked.byCode[String(ECHO)]!;
    expect(echoCalls).toMatchObject({ requests: 20, errors: 0 });
    const latency = echoCalls.latencyMs!;
    expect(latency.count).toBe(20);
    expect(latency.p50).toBeLessThanOrEqual(latency.p90);
    expect(latency.p90).toBeLessThanOrEqual(latency.p99);
    expect(latency.p99).toBeLessThanOrEqual(latency.max);
    expect(latency.max).toBeLessThan(3000);
    expect(invoked.byCode[String(THROW)]!.errorsByCode).toEqual({ "1": 1 });
    expect(invoked.byCode["999"]!.errorsByCode).toEqual({ "3": 1 });
    expect(invoked.byCode["998"]).toMatchObject({ requests: 1, errors: 0, latencyMs: null }); // oneway: no round trip
    expect(server.stats.connections).toBe(1);
    expect(client.stats.connections).toBe(1);
  });

  test("failed calls are counted by error code: timeout, connect, too many requests", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(HANG, () => null));
    const client = h.client({ asyncSemaphoreValue: 1 });
    const hung = rejectionOf(client.invokeSync(addrOf(server), createRequest(HANG), 50));
    await waitFor(() => client.stats.pendingCalls === 1, "the call to be pending");
    expect((await rejectionOf(client.invokeSync(addrOf(server), createRequest(HANG), 50))).name).toBe("RemotingTooMuchRequestError");
    expect((await hung).name).toBe("RemotingTimeoutError");
    await rejectionOf(client.invokeSync(`${HOST}:${await unusedPort()}`, createRequest(ECHO), 1000));
    const invoked = client.stats.invoked;
    expect(invoked.byCode[String(HANG)]!.errorsByCode).toEqual({ ERR_REMOTING_TIMEOUT: 1, ERR_REMOTING_TOO_MUCH_REQUEST: 1 });
    expect(invoked.byCode[String(ECHO)]!.errorsByCode).toEqual({ ERR_REMOTING_CONNECT: 1 });
    expect(invoked.errors).toBe(3);
    expect(client.stats.pendingCalls).toBe(0);
  });

  test("inFlight and queued follow the default executor; pendingCalls the client's open calls", async () => {
    const gate = deferred();
    const server = await h.server({ maxInFlightRequests: 2, maxQueuedRequests: 10 }, (s) =>
      s.registerProcessor(HANG, async () => {
        await gate.promise;
        return createResponse(0, null);
      }),
    );
    const client = h.client();
    const calls = Array.from({ length: 5 }, () => asyncCall((cb) => client.invokeAsync(addrOf(server), createRequest(HANG), 5000, cb)));
    await waitFor(() => server.stats.inFlight + server.stats.queued === 5, "5 requests at the server");
    expect(server.stats).toMatchObject({ inFlight: 2, queued: 3 });
    expect(client.stats.pendingCalls).toBe(5);
    gate.resolve();
    await within(Promise.all(calls.map((c) => c.done)), 3000);
    expect(server.stats).toMatchObject({ inFlight: 0, queued: 0 });
    expect(client.stats.pendingCalls).toBe(0);
  });

  test("bytesQueued: bytes the socket has not taken yet (MemoryTransport with short writes)", async () => {
    const transport = new MemoryTransport();
    transport.writeLimit = 1000;
    const server = new RemotingServer({ transport, logger: silentLogger });
    h.defer(() => server.shutdown());
    server.registerProcessor(ECHO, echo);
    await server.start();
    const client = new RemotingClient({ transport, logger: silentLogger, shutdownTimeoutMs: 100 });
    h.defer(() => client.shutdown());
    const body = new Uint8Array(50_000);
    const call = asyncCall((cb) => client.invokeAsync(`127.0.0.1:${server.port}`, createRequest(ECHO, { body }), 5000, cb));
    await waitFor(() => client.stats.bytesQueued > 0, "bytes to queue up");
    expect(client.stats.bytesQueued).toBeGreaterThan(body.length - 1000);
    transport.autoDrain = true;
    transport.side("client")[0]!.drain();
    await within(call.done, 3000);
    await waitFor(() => client.stats.bytesQueued === 0 && server.stats.bytesQueued === 0, "the queues to empty");
  });

  test("latency is measured on the endpoint's clock: an async processor taking 50 clock-ms shows ~50 ms", async () => {
    const timers = new ManualTimers();
    const release = deferred();
    const server = await h.server({ timers }, (s) =>
      s.registerProcessor(HANG, async () => {
        await release.promise;
        return createResponse(0, null);
      }),
    );
    const client = h.client({ timers });
    const call = client.invokeSync(addrOf(server), createRequest(HANG), 60_000);
    await waitFor(() => server.stats.inFlight === 1, "the processor to run");
    timers.advance(50);
    release.resolve();
    await call;
    for (const latency of [server.stats.served.byCode[String(HANG)]!.latencyMs!, client.stats.invoked.byCode[String(HANG)]!.latencyMs!]) {
      expect(latency.count).toBe(1);
      expect(latency.max).toBe(50);
      expect(latency.p50).toBeGreaterThan(50 * 0.875);
      expect(latency.p50).toBeLessThanOrEqual(50);
    }
  });

  test("trafficStats: false counts nothing, but connections, queues and pending calls are still reported", async () => {
    const server = await h.server({ trafficStats: false }, (s) => s.registerProcessor(ECHO, echo));
    const client = h.client({ trafficStats: false });
    await client.invokeSync(addrOf(server), createRequest(ECHO), 3000);
    await client.invokeSync(addrOf(server), createRequest(999), 3000);
    for (const stats of [server.stats, client.stats]) {
      expect(stats.served).toEqual(EMPTY);
      expect(stats.invoked).toEqual(EMPTY);
      expect(stats.connections).toBe(1);
    }
  });

  test("a peer sending thousands of distinct codes cannot grow the tables: beyond 256 codes they count as 'other'", async () => {
    const server = await h.server({}, (s) => {
      s.registerDefaultProcessor(() => createResponse(0, null));
    });
    const raw = await h.rawClient(server.port);
    const codes = Array.from({ length: 600 }, (_, i) => 2000 + i);
    for (const code of codes) await raw.sendFrame(createRequest(code));
    await raw.waitForFrames(codes.length, 5000);
    const stats: RemotingStats = server.stats;
    expect(stats.served.requests).toBe(600);
    expect(Object.keys(stats.served.byCode).length).toBe(257);
    expect(stats.served.byCode.other!.requests).toBe(600 - 256);
  });

  test("registered codes are counted one by one even after a flood of other codes", async () => {
    const server = await h.server({}, (s) => {
      s.registerDefaultProcessor(() => createResponse(0, null));
      s.registerProcessor(ECHO, echo);
    });
    const raw = await h.rawClient(server.port);
    for (let i = 0; i < 300; i++) await raw.sendFrame(createRequest(3000 + i));
    await raw.sendFrame(createRequest(ECHO));
    await raw.waitForFrames(301, 5000);
    expect(server.stats.served.byCode[String(ECHO)]!.requests).toBe(1);
  });
});
