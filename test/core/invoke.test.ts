import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingConnectError,
  RemotingError,
  RemotingSendRequestError,
  RemotingTimeoutError,
  RemotingTooMuchRequestError,
  type RemotingChannel,
  type RemotingCommand,
  type RemotingClient,
} from "../../src/index.ts";
import { addrOf, asyncCall, unusedPort, deferred, echo, useHarness, rejectionOf, waitFor, within, channelCatcher, channelEventsDelivered } from "../helpers/harness.ts";

const ECHO = 10;
const NEVER = 12;

const h = useHarness();
// See also test/scenarios/invoke.ts and large-bodies.ts (the same core on Bun sockets, node:net and Node).

// The invocation primitives, as RocketMQ's RemotingServerTest / NettyRPCTest check them: sync, async and
// oneway calls from the client.
describe("client invocations", () => {
  test("a callback that throws does not disturb the client or other calls", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, echo));
    const client = h.client();
    const ok = deferred<RemotingCommand>();
    client.invokeAsync(addrOf(server), createRequest(ECHO), 3000, () => {
      throw new Error("callback bug");
    });
    client.invokeAsync(addrOf(server), createRequest(ECHO, { extFields: { n: "2" } }), 3000, (e, r) => (e ? ok.reject(e) : ok.resolve(r!)));
    expect((await ok.promise).extFields).toEqual({ n: "2" });
    expect((await client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { n: "3" } }), 3000)).extFields).toEqual({ n: "3" });
  });
});

// Java's test_server_call_client: both ends dispatch both ways on one connection; the server
// calls its client back on ctx.channel, and the client's processors answer.
describe("server -> client on the same connection", () => {
  test("server.invokeSync with a channel that is not one of its connections is a TypeError", async () => {
    const other = await h.server({}, (s) => s.registerProcessor(ECHO, echo));
    const catcher = channelCatcher();
    const first = await h.server({}, (s) => s.registerProcessor(ECHO, catcher.processor));
    await h.client().invokeSync(addrOf(first), createRequest(ECHO), 3000);
    const ch = await catcher.channel;
    let thrown: unknown;
    try {
      await other.invokeSync(ch, createRequest(1), 1000);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String(thrown)).toContain("channel");
  });
});

// Async/oneway permits (Java's semaphores). No permit -> RemotingTooMuchRequestError
// at once; each permit is returned exactly once, whether the call was answered, timed out or its
// connection closed.
describe("permits", () => {
  async function permitServer() {
    const channels: RemotingChannel[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.registerProcessor(NEVER, (ctx) => {
        channels.push(ctx.channel);
        return null;
      });
    });
    return { server, channels };
  }

  /** Checks that exactly `n` async permits are free: n concurrent calls succeed, one more is refused. */
  async function expectFreePermits(client: RemotingClient, addr: string, n: number): Promise<void> {
    const calls = Array.from({ length: n + 1 }, (_, i) => asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO, { extFields: { i: String(i) } }), 3000, cb)));
    const results = await Promise.all(calls.map((c) => within(c.done, 3000)));
    expect(results.filter((r) => r.error === null).length).toBe(n);
    const refused = results.filter((r) => r.error !== null);
    expect(refused.length).toBe(1);
    expect(refused[0]!.error).toBeInstanceOf(RemotingTooMuchRequestError);
  }

  test("asyncSemaphoreValue 2: a third concurrent call fails at once with RemotingTooMuchRequestError", async () => {
    const { server } = await permitServer();
    const client = h.client({ asyncSemaphoreValue: 2 });
    const addr = addrOf(server);
    const a = asyncCall((cb) => client.invokeAsync(addr, createRequest(NEVER), 5000, cb));
    const b = asyncCall((cb) => client.invokeAsync(addr, createRequest(NEVER), 5000, cb));
    const c = asyncCall((cb) => client.invokeAsync(addr, createRequest(NEVER), 5000, cb));
    const third = await within(c.done, 200, "the third call's refusal");
    expect(third.error).toBeInstanceOf(RemotingTooMuchRequestError);
    expect((third.error as RemotingError).code).toBe("ERR_REMOTING_TOO_MUCH_REQUEST");
    expect(a.calls()).toBe(0);
    expect(b.calls()).toBe(0);
    // invokeSync needs a permit too.
    expect(await rejectionOf(client.invokeSync(addr, createRequest(ECHO), 1000))).toBeInstanceOf(RemotingTooMuchRequestError);
  });

  test("permits come back after responses", async () => {
    const { server } = await permitServer();
    const client = h.client({ asyncSemaphoreValue: 2 });
    for (let round = 0; round < 5; round++) await expectFreePermits(client, addrOf(server), 2);
  });

  test("permits come back after timeouts, once each (late answers do not return them twice)", async () => {
    const release: (() => void)[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.registerProcessor(NEVER, (ctx, req) => {
        release.push(() => ctx.writeResponse(req, createResponse(0, "late")));
        return null;
      });
    });
    const client = h.client({ asyncSemaphoreValue: 2, scanIntervalMs: 20 });
    const addr = addrOf(server);
    const timedOut = [0, 1].map(() => asyncCall((cb) => client.invokeAsync(addr, createRequest(NEVER), 80, cb)));
    for (const call of timedOut) expect((await within(call.done, 2000)).error).toBeInstanceOf(RemotingTimeoutError);
    await expectFreePermits(client, addr, 2);
    // The late answers arrive now; they must be dropped, not release permits a second time.
    for (const r of release) r();
    // An answer asked for after them comes back after them: by then they have been read and dropped.
    expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).code).toBe(0);
    await expectFreePermits(client, addr, 2);
    for (const call of timedOut) expect(call.calls()).toBe(1);
  });

  test("permits come back when the connection closes under pending calls", async () => {
    const { server, channels } = await permitServer();
    const client = h.client({ asyncSemaphoreValue: 2 });
    const addr = addrOf(server);
    const pending = [0, 1].map(() => asyncCall((cb) => client.invokeAsync(addr, createRequest(NEVER), 10_000, cb)));
    await waitFor(() => channels.length === 2, "both requests at the server");
    channels[0]!.close();
    for (const call of pending) expect((await within(call.done, 1000)).error).toBeInstanceOf(RemotingSendRequestError);
    await expectFreePermits(client, addr, 2);
  });

  test("onewaySemaphoreValue 1: a second oneway while the first is unsent is refused; the permit returns once sent", async () => {
    const seen: string[] = [];
    const server = await h.server({}, (s) =>
      s.registerProcessor(ECHO, (_ctx, req) => {
        seen.push(req.extFields!.n!);
        return null;
      }),
    );
    const client = h.client({ onewaySemaphoreValue: 1 });
    const addr = addrOf(server);
    // The first oneway waits for the connection, holding the only permit.
    const first = client.invokeOneway(addr, createRequest(ECHO, { extFields: { n: "1" } }), 3000);
    const second = await rejectionOf(client.invokeOneway(addr, createRequest(ECHO, { extFields: { n: "2" } }), 3000));
    expect(second).toBeInstanceOf(RemotingTooMuchRequestError);
    await first;
    for (const n of ["3", "4", "5"]) await client.invokeOneway(addr, createRequest(ECHO, { extFields: { n } }), 3000);
    await waitFor(() => seen.length === 4, "4 oneway requests at the server");
    expect(seen).toEqual(["1", "3", "4", "5"]);
  });

  test("a oneway whose connect fails gives its permit back", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, () => null));
    const client = h.client({ onewaySemaphoreValue: 1 });
    const dead = `127.0.0.1:${await unusedPort()}`;
    for (let i = 0; i < 3; i++) expect(await rejectionOf(client.invokeOneway(dead, createRequest(ECHO), 2000))).toBeInstanceOf(RemotingConnectError);
    await client.invokeOneway(addrOf(server), createRequest(ECHO), 2000);
  });
});

// alibaba/rocketmq #85: the opaque belongs to the invocation, not the command object;
// reusing one command for many concurrent calls must still match every response.
describe("opaques belong to invocations", () => {
  test("sequential calls with one command object each use a fresh opaque", async () => {
    const opaques: number[] = [];
    const server = await h.server({}, (s) =>
      s.registerProcessor(ECHO, (_ctx, req) => {
        opaques.push(req.opaque);
        return createResponse(0, null);
      }),
    );
    const client = h.client();
    const request = createRequest(ECHO);
    for (let i = 0; i < 5; i++) await client.invokeSync(addrOf(server), request, 3000);
    expect(new Set(opaques).size).toBe(5);
  });
});

// The frame limit holds on send too (the maxFrameLength option: "largest frame accepted or
// sent"); a request that cannot be encoded fails at once instead of timing out.
describe("requests that cannot be sent", () => {
  test("a request that cannot be encoded fails at once with a RemotingError; the connection stays usable", async () => {
    let processed = 0;
    const server = await h.server({}, (s) => s.registerDefaultProcessor((ctx, req) => (processed++, echo(ctx, req))));
    const client = h.client();
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    const t0 = performance.now();
    // createRequest refuses such values (a TypeError): these were changed after it.
    const hugeCode = createRequest(ECHO);
    hugeCode.code = 2 ** 33;
    const fractionalVersion = createRequest(ECHO);
    fractionalVersion.version = 1.5;
    const stringBody = createRequest(ECHO);
    (stringBody as { body: unknown }).body = "not bytes";
    for (const bad of [hugeCode, fractionalVersion, stringBody]) {
      const error = await rejectionOf(client.invokeSync(addrOf(server), bad, 5000));
      expect(error).toBeInstanceOf(RemotingError);
      expect((error.cause as Error).name).toBe("RemotingCommandError"); // why it could not be sent
    }
    expect(performance.now() - t0).toBeLessThan(500);
    expect((await client.invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(0);
    expect(processed).toBe(2);
  });

  test("a request larger than the client's maxFrameLength is refused locally, not sent", async () => {
    let processed = 0;
    let connects = 0;
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, (ctx, req) => (processed++, echo(ctx, req)));
      s.setChannelEventListener({ onChannelConnect: () => connects++ });
    });
    const client = h.client({ maxFrameLength: 1024 });
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    const t0 = performance.now();
    const error = await rejectionOf(client.invokeSync(addrOf(server), createRequest(ECHO, { body: new Uint8Array(2000) }), 5000));
    expect(error).toBeInstanceOf(RemotingError);
    expect(performance.now() - t0).toBeLessThan(500);
    expect((await client.invokeSync(addrOf(server), createRequest(ECHO, { body: new Uint8Array(500) }), 2000)).code).toBe(0);
    expect(processed).toBe(2); // the oversized request never reached the server
    await channelEventsDelivered();
    expect(connects).toBe(1); // and it did not cost the connection
  });
});
