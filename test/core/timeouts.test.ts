import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingClient,
  RemotingServer,
  RemotingTimeoutError,
  silentLogger,
} from "../../src/index.ts";
import { addrOf, asyncCall, echo, useHarness, rejectionOf, sleep, within, channelEventsDelivered } from "../helpers/harness.ts";
import { MemoryTransport } from "../helpers/memory-transport.ts";

const ECHO = 10;
const NEVER = 12;
const LATE = 13;
/** A deadline may be observed this much early: the endpoint's clock is read once per event-loop turn. */
const EARLY_SLACK_MS = 2;
/** Generous upper bound on lateness, so a busy machine does not make the suite flaky. */
const LATE_BOUND_MS = 500;

const h = useHarness();
// See also test/scenarios/timeouts.ts (the same core on Bun sockets, node:net and Node).

async function neverServer(extra?: (s: RemotingServer) => void): Promise<RemotingServer> {
  return h.server({}, (s) => {
    s.registerProcessor(ECHO, echo);
    s.registerProcessor(NEVER, () => null);
    extra?.(s);
  });
}

function expectOnTime(elapsed: number, timeoutMs: number): void {
  expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - EARLY_SLACK_MS);
  expect(elapsed).toBeLessThan(timeoutMs + LATE_BOUND_MS);
}

// A call with no answer fails with RemotingTimeoutError ("wait response on
// the channel <addr> timeout, <ms>(ms)") at its deadline; this port honours deadlines on time
// (no +1 s scan grace), with one timer armed for the earliest deadline.
describe("calls that get no answer time out on time", () => {
  test("staggered deadlines each fire on time, in deadline order", async () => {
    const server = await neverServer();
    const client = h.client({ scanIntervalMs: 20 });
    await client.invokeSync(addrOf(server), createRequest(ECHO), 3000);
    const timeouts = [300, 40, 160, 80, 220, 120];
    const calls = timeouts.map((t) => ({ t, call: asyncCall((cb) => client.invokeAsync(addrOf(server), createRequest(NEVER), t, cb)) }));
    const results = await Promise.all(calls.map(async ({ t, call }) => ({ t, ...(await call.done), startedAt: call.startedAt })));
    for (const r of results) {
      expect(r.error).toBeInstanceOf(RemotingTimeoutError);
      expectOnTime(r.at - r.startedAt, r.t);
    }
    const order = [...results].sort((a, b) => a.at - b.at).map((r) => r.t);
    expect(order).toEqual([...timeouts].sort((a, b) => a - b));
  });
});

// The whole budget starts at invoke, so time spent connecting counts against it.
describe("the deadline starts at invoke", () => {
  test("a connect that never completes: the call times out at its own deadline, not connectTimeoutMs", async () => {
    const transport = new MemoryTransport();
    const server = new RemotingServer({ transport, logger: silentLogger });
    h.defer(() => server.shutdown());
    server.registerProcessor(ECHO, echo);
    await server.start();
    transport.connectDelayMs = Infinity;
    const client = new RemotingClient({ transport, logger: silentLogger, scanIntervalMs: 20, connectTimeoutMs: 10_000, shutdownTimeoutMs: 100 });
    h.defer(() => client.shutdown());
    const t0 = performance.now();
    const call = asyncCall((cb) => client.invokeAsync(`127.0.0.1:${server.port}`, createRequest(ECHO), 100, cb));
    const { error, at } = await within(call.done, 2000);
    expect(error).toBeInstanceOf(RemotingTimeoutError);
    expectOnTime(at - t0, 100);
  });

  test("connecting time plus processing time beyond the budget is a timeout", async () => {
    const transport = new MemoryTransport();
    const server = new RemotingServer({ transport, logger: silentLogger });
    h.defer(() => server.shutdown());
    server.registerProcessor(LATE, async () => {
      await sleep(100);
      return createResponse(0, "late");
    });
    await server.start();
    transport.connectDelayMs = 100;
    const client = new RemotingClient({ transport, logger: silentLogger, scanIntervalMs: 20, shutdownTimeoutMs: 100 });
    h.defer(() => client.shutdown());
    // 100 ms connecting + 100 ms processing > 150 ms: the answer comes too late.
    const t0 = performance.now();
    const error = await rejectionOf(client.invokeSync(`127.0.0.1:${server.port}`, createRequest(LATE), 150));
    expect(error).toBeInstanceOf(RemotingTimeoutError);
    expectOnTime(performance.now() - t0, 150);
  });
});

// 5.1.4+ rule: an invokeSync timeout with budget to spare closes the connection (the next
// call reconnects); closeSocketIfTimeout: false keeps it; async timeouts never close it.
describe("close on timeout", () => {
  async function countingServer() {
    const events = { connects: 0, closes: 0 };
    const server = await neverServer((s) =>
      s.setChannelEventListener({ onChannelConnect: () => events.connects++, onChannelClose: () => events.closes++ }),
    );
    return { server, events };
  }

  test("closeSocketIfTimeout: false keeps the connection", async () => {
    const { server, events } = await countingServer();
    const client = h.client({ scanIntervalMs: 20, closeSocketIfTimeout: false });
    const addr = addrOf(server);
    await client.invokeSync(addr, createRequest(ECHO), 2000);
    expect(await rejectionOf(client.invokeSync(addr, createRequest(NEVER), 200))).toBeInstanceOf(RemotingTimeoutError);
    expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).code).toBe(0);
    await channelEventsDelivered(); // a close, and the reconnect the last call would have needed, are reported by now
    expect(events).toEqual({ connects: 1, closes: 0 });
  });

  test("invokeAsync timeouts keep the connection", async () => {
    const { server, events } = await countingServer();
    const client = h.client({ scanIntervalMs: 20 });
    const addr = addrOf(server);
    const call = asyncCall((cb) => client.invokeAsync(addr, createRequest(NEVER), 200, cb));
    expect((await call.done).error).toBeInstanceOf(RemotingTimeoutError);
    expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).code).toBe(0);
    await channelEventsDelivered(); // a close, and the reconnect the last call would have needed, are reported by now
    expect(events).toEqual({ connects: 1, closes: 0 });
  });
});
