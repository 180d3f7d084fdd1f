import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingClient,
  RemotingConnectError,
  RemotingSendRequestError,
  RemotingServer,
  RemotingTimeoutError,
  ResponseCode,
  silentLogger,
} from "../../src/index.ts";
import { addrOf, asyncCall, unusedPort, echo, useHarness, rejectionOf, sleep, within, channelEventsDelivered } from "../helpers/harness.ts";
import { MemoryTransport } from "../helpers/memory-transport.ts";
import { SpyTransport } from "../helpers/spy-transport.ts";

const ECHO = 10;

const h = useHarness();
// See also test/scenarios/invoke.ts and connection-close.ts (the same core on Bun sockets, node:net and Node).

async function countingServer(remark = "ok") {
  const events = { connects: 0, closes: 0 };
  const server = await h.server({}, (s) => {
    s.registerProcessor(ECHO, () => createResponse(0, remark));
    s.setChannelEventListener({ onChannelConnect: () => events.connects++, onChannelClose: () => events.closes++ });
  });
  return { server, events };
}

// The client keeps one connection per address string and reuses it while it is active;
// callers that arrive while it is being opened share the one connect in progress.
describe("one connection per address", () => {
  test("sequential calls of every kind share one connection", async () => {
    const { server, events } = await countingServer();
    const client = h.client();
    const addr = addrOf(server);
    for (let i = 0; i < 10; i++) await client.invokeSync(addr, createRequest(ECHO), 2000);
    for (let i = 0; i < 5; i++) await asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO), 2000, cb)).done;
    for (let i = 0; i < 5; i++) await client.invokeOneway(addr, createRequest(ECHO), 2000);
    await client.invokeSync(addr, createRequest(ECHO), 2000);
    await channelEventsDelivered();
    expect(events.connects).toBe(1);
  });

  test("50 concurrent first calls share one pending connect", async () => {
    const { server, events } = await countingServer();
    const spy = new SpyTransport();
    const client = h.client({ transport: spy });
    const addr = addrOf(server);
    const calls = Array.from({ length: 50 }, (_, i) =>
      i % 3 === 0
        ? client.invokeSync(addr, createRequest(ECHO), 3000).then((r) => r.remark)
        : i % 3 === 1
          ? asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO), 3000, cb)).done.then((r) => r.response?.remark)
          : client.invokeOneway(addr, createRequest(ECHO), 3000).then(() => "ok"),
    );
    expect(await Promise.all(calls)).toEqual(Array(50).fill("ok"));
    expect(spy.connectsTo(server.port)).toBe(1);
    await channelEventsDelivered();
    expect(events.connects).toBe(1);
  });

  test("two addresses get two connections, and each call goes to its own server", async () => {
    const a = await countingServer("from a");
    const b = await countingServer("from b");
    const client = h.client();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.invokeSync(addrOf(i % 2 === 0 ? a.server : b.server), createRequest(ECHO), 3000)),
    );
    results.forEach((r, i) => expect(r.remark).toBe(i % 2 === 0 ? "from a" : "from b"));
    await channelEventsDelivered();
    expect(a.events.connects).toBe(1);
    expect(b.events.connects).toBe(1);
  });
});

// A connect that fails (nothing listening) fails the call with RemotingConnectError
// ("connect to <addr> failed") quickly, and NettyConnectionTest.test_connect_timeout: 100 calls to a
// dead port all fail cleanly. The failure is not cached: the next call tries again.
describe("connect failures", () => {
  test("100 concurrent calls to a dead port all fail cleanly, with one connect attempt; the next call retries", async () => {
    const spy = new SpyTransport();
    const client = h.client({ transport: spy });
    const port = await unusedPort();
    const addr = `127.0.0.1:${port}`;
    const errors = await within(
      Promise.all(Array.from({ length: 100 }, () => rejectionOf(client.invokeSync(addr, createRequest(ECHO), 3000)))),
      2000,
    );
    for (const error of errors) expect(error).toBeInstanceOf(RemotingConnectError);
    expect(spy.connectsTo(port)).toBe(1);
    expect(await rejectionOf(client.invokeSync(addr, createRequest(ECHO), 3000))).toBeInstanceOf(RemotingConnectError);
    expect(spy.connectsTo(port)).toBe(2);
  });

  test("an address that is not host:port fails the call (it does not hang)", async () => {
    const client = h.client();
    for (const addr of ["no-port", "127.0.0.1:", "127.0.0.1:99999"]) {
      let error: unknown;
      try {
        await within(client.invokeSync(addr, createRequest(ECHO), 1000), 1500);
      } catch (e) {
        error = e;
      }
      expect(error instanceof RemotingConnectError || error instanceof TypeError).toBe(true);
      expect(String((error as Error).message)).toContain(addr);
    }
  });
});

// connectTimeoutMs: a connect that does not complete is given up after connectTimeoutMs
// (RemotingConnectError), or earlier at the call's own deadline (RemotingTimeoutError). A real
// blackhole needs a non-loopback address, so the connect is held open by a test transport.
describe("connect timeout", () => {
  async function hangingSetup(clientOptions: { connectTimeoutMs: number }) {
    const transport = new MemoryTransport();
    const server = new RemotingServer({ transport, logger: silentLogger });
    h.defer(() => server.shutdown());
    server.registerProcessor(ECHO, echo);
    await server.start();
    const client = new RemotingClient({ transport, logger: silentLogger, scanIntervalMs: 20, shutdownTimeoutMs: 100, ...clientOptions });
    h.defer(() => client.shutdown());
    return { transport, server, client, addr: `127.0.0.1:${server.port}` };
  }

  test("connectTimeoutMs below the call's budget: RemotingConnectError after connectTimeoutMs", async () => {
    const { transport, client, addr } = await hangingSetup({ connectTimeoutMs: 100 });
    transport.connectDelayMs = Infinity;
    const t0 = performance.now();
    const error = await rejectionOf(client.invokeSync(addr, createRequest(ECHO), 3000));
    const elapsed = performance.now() - t0;
    expect(error).toBeInstanceOf(RemotingConnectError);
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(600);
    expect(transport.connectCalls[0]!.timeoutMs).toBe(100);
    // Not cached: once connects work again, the next call connects.
    transport.connectDelayMs = 0;
    expect((await client.invokeSync(addr, createRequest(ECHO), 3000)).code).toBe(0);
    expect(transport.connectCalls.length).toBe(2);
  });

  test("the call's budget below connectTimeoutMs: RemotingTimeoutError at the call's deadline", async () => {
    const { transport, client, addr } = await hangingSetup({ connectTimeoutMs: 5000 });
    transport.connectDelayMs = Infinity;
    const t0 = performance.now();
    const error = await rejectionOf(client.invokeSync(addr, createRequest(ECHO), 100));
    expect(error).toBeInstanceOf(RemotingTimeoutError);
    expect(performance.now() - t0).toBeLessThan(600);
  });

  test("a slow connect that completes within both budgets is used", async () => {
    const { transport, client, addr } = await hangingSetup({ connectTimeoutMs: 1000 });
    transport.connectDelayMs = 50;
    const responses = await Promise.all([1, 2, 3].map(() => client.invokeSync(addr, createRequest(ECHO), 1000)));
    for (const r of responses) expect(r.code).toBe(0);
    expect(transport.connectCalls.length).toBe(1);
  });
});

// 5.2.0+, enableReconnectForGoAway: a GO_AWAY (1500) answer makes the client move the address
// to a fresh connection and re-send the call once with a new opaque; a second GO_AWAY, or the
// feature turned off, fails the call with RemotingSendRequestError.
describe("GO_AWAY", () => {
  /** A raw server answering GO_AWAY on the connections listed in `goAwayOn`, a normal answer elsewhere. */
  async function goAwayServer(goAwayOn: (connectionIndex: number) => boolean) {
    const seen: { connection: number; opaque: number; ext: Record<string, string> | null }[] = [];
    const raw = await h.rawServer((conn, req) => {
      const connection = raw.connections.indexOf(conn);
      seen.push({ connection, opaque: req.opaque, ext: req.extFields });
      if (goAwayOn(connection)) conn.reply(req, createResponse(ResponseCode.GO_AWAY, "please go away"));
      else conn.reply(req, createResponse(0, `answer from connection ${connection}`));
    });
    return { raw, seen, addr: `127.0.0.1:${raw.port}` };
  }

  test("the call is re-sent once on a new connection, with a fresh opaque, and succeeds; the old connection is closed", async () => {
    const { raw, seen, addr } = await goAwayServer((i) => i === 0);
    const client = h.client({ asyncSemaphoreValue: 1 });
    const response = await client.invokeSync(addr, createRequest(ECHO, { extFields: { k: "v" } }), 3000);
    expect(response.code).toBe(0);
    expect(response.remark).toBe("answer from connection 1");
    expect(seen.map((s) => s.connection)).toEqual([0, 1]);
    expect(seen[1]!.opaque).not.toBe(seen[0]!.opaque);
    expect(seen[1]!.ext).toEqual({ k: "v" }); // the same request again
    await within(raw.connections[0]!.closed.promise, 1000, "the old connection to close");
    // The permit came back exactly once: one call at a time still works, an async one too.
    const { error, response: again } = await asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO), 3000, cb)).done;
    expect(error).toBeNull();
    expect(again!.remark).toBe("answer from connection 1");
  });

  test("the old connection stays open until its other calls are answered, then closes at once", async () => {
    const HOLD = 11;
    let held: (() => void) | null = null;
    const raw = await h.rawServer((conn, req) => {
      const connection = raw.connections.indexOf(conn);
      if (req.code === HOLD) held = () => conn.reply(req, createResponse(0, "held answer"));
      else if (connection === 0) conn.reply(req, createResponse(ResponseCode.GO_AWAY, "please go away"));
      else conn.reply(req, createResponse(0, `answer from connection ${connection}`));
    });
    const addr = `127.0.0.1:${raw.port}`;
    const client = h.client();
    const holding = client.invokeSync(addr, createRequest(HOLD), 3000);
    const moved = await client.invokeSync(addr, createRequest(ECHO), 3000);
    expect(moved.remark).toBe("answer from connection 1");
    await sleep(100);
    expect(raw.connections[0]!.isClosed).toBe(false); // a call still waits for its answer on it
    held!();
    expect((await holding).remark).toBe("held answer");
    await within(raw.connections[0]!.closed.promise, 1000, "the old connection to close once idle");
  });

  test("a second GO_AWAY fails the call with RemotingSendRequestError", async () => {
    const { seen, addr } = await goAwayServer(() => true);
    const client = h.client();
    const error = await rejectionOf(client.invokeSync(addr, createRequest(ECHO), 3000));
    expect(error).toBeInstanceOf(RemotingSendRequestError);
    expect(error.message).toContain("GO_AWAY twice");
    expect(seen.length).toBe(2);
  });

  test("with enableReconnectForGoAway false the call fails at once", async () => {
    const { seen, addr } = await goAwayServer(() => true);
    const client = h.client({ enableReconnectForGoAway: false });
    const error = await rejectionOf(client.invokeSync(addr, createRequest(ECHO), 3000));
    expect(error).toBeInstanceOf(RemotingSendRequestError);
    expect(error.message).toContain("GO_AWAY");
    expect(seen.length).toBe(1);
  });
});
