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
import { addrOf, asyncCall, unusedPort, deferred, echo, useHarness, rejectionOf, sleep, waitFor, within, channelCatcher } from "../helpers/harness.ts";

const TYPES = ["JSON", "ROCKETMQ"] as const;
const ECHO = 10;
const NEVER = 12;
const CALL_CLIENT = 13;
const CLIENT_CODE = 40;

const h = useHarness();

// §3.5 (invocation primitives) and RocketMQ's RemotingServerTest / NettyRPCTest: sync, async and
// oneway calls from the client.
describe("client invocations", () => {
  for (const type of TYPES) {
    test(`${type}: invokeSync resolves with the matching response`, async () => {
      const server = await h.server({}, (s) => s.registerProcessor(ECHO, echo));
      const client = h.client();
      for (let i = 0; i < 20; i++) {
        const response = await client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { i: String(i) }, serializeType: type }), 3000);
        expect(response.extFields).toEqual({ i: String(i) });
      }
    });

    test(`${type}: invokeAsync calls back exactly once with (null, response)`, async () => {
      const server = await h.server({}, (s) => s.registerProcessor(ECHO, echo));
      const client = h.client();
      const call = asyncCall((cb) => client.invokeAsync(addrOf(server), createRequest(ECHO, { extFields: { k: "v" }, serializeType: type }), 3000, cb));
      const { error, response } = await call.done;
      expect(error).toBeNull();
      expect(response!.extFields).toEqual({ k: "v" });
      await sleep(50);
      expect(call.calls()).toBe(1);
    });

    test(`${type}: invokeOneway resolves; the server sees the oneway flag and sends nothing back`, async () => {
      const got = deferred<RemotingCommand>();
      let answered = 0;
      const server = await h.server({}, (s) => {
        s.registerProcessor(ECHO, (ctx, req) => {
          if (req.extFields?.oneway === "yes") got.resolve(req);
          else answered++;
          return echo(ctx, req);
        });
      });
      const client = h.client();
      await client.invokeOneway(addrOf(server), createRequest(ECHO, { extFields: { oneway: "yes" }, serializeType: type }), 3000);
      const req = await within(got.promise, 2000, "oneway request at the server");
      expect(req.flag & 2).toBe(2);
      expect(req.flag & 1).toBe(0);
      // A sync call afterwards gets its own answer, not the (suppressed) oneway one.
      const response = await client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { oneway: "no" } }), 3000);
      expect(response.extFields).toEqual({ oneway: "no" });
      expect(answered).toBe(1);
    });
  }

  test("invokeAsync to a refused port calls back once with RemotingConnectError", async () => {
    const client = h.client();
    const refused = `127.0.0.1:${await unusedPort()}`;
    const call = asyncCall((cb) => client.invokeAsync(refused, createRequest(ECHO), 3000, cb));
    const { error, response } = await within(call.done, 2000);
    expect(error).toBeInstanceOf(RemotingConnectError);
    expect(response).toBeUndefined();
    await sleep(30);
    expect(call.calls()).toBe(1);
  });

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

// §8.4 test_server_call_client and §3.1: both ends dispatch both ways on one connection; the server
// calls its client back on ctx.channel, and the client's processors answer.
describe("server -> client on the same connection", () => {
  for (const type of TYPES) {
    test(`${type}: a server processor calls the client back with invokeSync; the original call then succeeds`, async () => {
      let serverSawChannel = null as RemotingChannel | null;
      const server = await h.server({}, (s) =>
        s.registerProcessor(CALL_CLIENT, async (ctx, req) => {
          serverSawChannel = ctx.channel;
          expect(ctx.channel.remoteAddress).toBe(ctx.remoteAddress);
          const answer = await s.invokeSync(ctx.channel, createRequest(CLIENT_CODE, { extFields: { q: req.extFields!.q! }, serializeType: type }), 3000);
          return createResponse(0, `client said: ${answer.remark}`, { serializeType: type });
        }),
      );
      const client = h.client();
      let clientSawAddr = "";
      client.registerProcessor(CLIENT_CODE, (ctx, req) => {
        clientSawAddr = ctx.remoteAddress;
        return createResponse(0, `pong ${req.extFields!.q}`, { serializeType: type });
      });
      const connects: RemotingChannel[] = [];
      server.setChannelEventListener({ onChannelConnect: (_a, ch) => connects.push(ch) });
      const response = await client.invokeSync(addrOf(server), createRequest(CALL_CLIENT, { extFields: { q: "ping" }, serializeType: type }), 3000);
      expect(response.code).toBe(0);
      expect(response.remark).toBe("client said: pong ping");
      expect(clientSawAddr).toBe(addrOf(server));
      await waitFor(() => connects.length > 0, "server CONNECT event");
      expect(connects.length).toBe(1); // no second connection was opened for the call back
      expect(serverSawChannel).toBe(connects[0]!);
    });
  }

  test("server.invokeAsync and server.invokeOneway reach the client's processors", async () => {
    const catcher = channelCatcher();
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, catcher.processor));
    const client = h.client();
    const onewaySeen = deferred<RemotingCommand>();
    client.registerProcessor(CLIENT_CODE, (_ctx, req) => {
      if ((req.flag & 2) !== 0) onewaySeen.resolve(req);
      return createResponse(0, `client got ${req.extFields!.n}`);
    });
    await client.invokeSync(addrOf(server), createRequest(ECHO), 3000);
    const ch = await catcher.channel;
    const call = asyncCall((cb) => server.invokeAsync(ch, createRequest(CLIENT_CODE, { extFields: { n: "async" } }), 3000, cb));
    const { error, response } = await call.done;
    expect(error).toBeNull();
    expect(response!.remark).toBe("client got async");
    await server.invokeOneway(ch, createRequest(CLIENT_CODE, { extFields: { n: "oneway" } }), 3000);
    expect((await within(onewaySeen.promise, 2000)).extFields).toEqual({ n: "oneway" });
    expect(call.calls()).toBe(1);
  });

  test("a client with no processor for the code answers REQUEST_CODE_NOT_SUPPORTED", async () => {
    const catcher = channelCatcher();
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, catcher.processor));
    const client = h.client();
    await client.invokeSync(addrOf(server), createRequest(ECHO), 3000);
    const response = await server.invokeSync(await catcher.channel, createRequest(999), 3000);
    expect(response.code).toBe(3);
    expect(response.remark).toBe(" request type 999 not supported");
  });

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

// §3.5 and §8.5.7: async/oneway permits (Java's semaphores). No permit -> RemotingTooMuchRequestError
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
    await sleep(50);
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

// §9.2 (alibaba/rocketmq #85) and §2.2: the opaque belongs to the invocation, not the command object;
// reusing one command for many concurrent calls must still match every response.
describe("opaques belong to invocations", () => {
  test("one command object reused for 200 concurrent calls: every call gets its own answer", async () => {
    const opaquesAtServer = new Set<number>();
    const server = await h.server({}, (s) =>
      s.registerProcessor(ECHO, (_ctx, req) => {
        opaquesAtServer.add(req.opaque);
        return createResponse(0, `for ${req.opaque}`);
      }),
    );
    const client = h.client();
    const request = createRequest(ECHO, { opaque: 5 });
    const calls = Array.from({ length: 200 }, () => asyncCall((cb) => client.invokeAsync(addrOf(server), request, 3000, cb)));
    const results = await Promise.all(calls.map((c) => within(c.done, 3000)));
    for (const { error, response } of results) {
      expect(error).toBeNull();
      expect(response!.remark).toBe(`for ${response!.opaque}`);
    }
    expect(new Set(results.map((r) => r.response!.opaque)).size).toBe(200);
    expect(opaquesAtServer.size).toBe(200);
  });

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

// The response table under load (§3.3): many calls in flight on one connection, each response
// matched to its own request by opaque.
describe("10 000 concurrent calls on one connection", () => {
  for (const type of TYPES) {
    test(`${type}: every invokeAsync gets the response to its own request`, async () => {
      let connects = 0;
      const server = await h.server({}, (s) => {
        s.registerProcessor(ECHO, echo);
        s.setChannelEventListener({ onChannelConnect: () => connects++ });
      });
      const client = h.client();
      const addr = addrOf(server);
      const N = 10_000;
      const responses: (RemotingCommand | null)[] = new Array(N).fill(null);
      const errors: Error[] = [];
      let done = 0;
      const all = deferred();
      for (let i = 0; i < N; i++) {
        const body = new Uint8Array(8);
        new DataView(body.buffer).setUint32(0, i * 2654435761);
        new DataView(body.buffer).setUint32(4, i);
        client.invokeAsync(addr, createRequest(ECHO, { extFields: { i: String(i) }, body, serializeType: type }), 10_000, (error, response) => {
          if (error !== null) errors.push(error);
          else responses[i] = response!;
          if (++done === N) all.resolve();
        });
      }
      await within(all.promise, 10_000, "10 000 callbacks");
      expect(errors).toEqual([]);
      let mismatches = 0;
      for (let i = 0; i < N; i++) {
        const r = responses[i]!;
        const view = new DataView(r.body!.buffer, r.body!.byteOffset, r.body!.byteLength);
        if (r.extFields?.i !== String(i) || view.getUint32(4) !== i || view.getUint32(0) !== (i * 2654435761) >>> 0) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect(new Set(responses.map((r) => r!.opaque)).size).toBe(N);
      await sleep(20);
      expect(connects).toBe(1);
    }, 20_000);
  }
});

// §1.6 (raw body bytes, any size up to the frame limit) on real sockets: multi-MiB bodies each way
// go through short kernel writes and partial reads intact.
describe("large bodies on real sockets", () => {
  for (const type of TYPES) {
    test(`${type}: 5 MiB each way, and small calls interleaved, arrive intact`, async () => {
      const server = await h.server({}, (s) =>
        s.registerProcessor(ECHO, (_ctx, req) => {
          const body = req.body === null ? null : new Uint8Array(req.body).reverse();
          return createResponse(0, "reversed", { body, extFields: req.extFields, serializeType: type });
        }),
      );
      const client = h.client();
      const big = new Uint8Array(5 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
      big[big.length - 1] = 0xab;
      const calls = [
        client.invokeSync(addrOf(server), createRequest(ECHO, { body: big, extFields: { n: "big" }, serializeType: type }), 10_000),
        ...Array.from({ length: 20 }, (_, i) =>
          client.invokeSync(addrOf(server), createRequest(ECHO, { body: new Uint8Array([i, i + 1]), extFields: { n: String(i) }, serializeType: type }), 10_000),
        ),
      ];
      const [bigResponse, ...small] = await Promise.all(calls);
      expect(bigResponse!.extFields).toEqual({ n: "big" });
      expect(bigResponse!.body!.length).toBe(big.length);
      expect(Buffer.compare(bigResponse!.body!, new Uint8Array(big).reverse())).toBe(0);
      small.forEach((r, i) => {
        expect(r.extFields).toEqual({ n: String(i) });
        expect(Array.from(r.body!)).toEqual([i + 1, i]);
      });
    }, 15_000);
  }
});

// §10.2 (enforce the frame limit on send too) and the maxFrameLength option ("largest frame
// accepted or sent"); a request that cannot be encoded fails at once instead of timing out.
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
    await waitFor(() => connects >= 1, "the CONNECT event (events are delivered on a later tick)");
    await sleep(50);
    expect(connects).toBe(1); // and it did not cost the connection

  });
});
