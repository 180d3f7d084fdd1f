import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingClient,
  RemotingConnectError,
  RemotingError,
  RemotingServer,
  ResponseCode,
  silentLogger,
} from "../../src/index.ts";
import { addrOf, asyncCall, unusedPort, deferred, echo, useHarness, HOST, rejectionOf, sleep, within, channelCatcher } from "../helpers/harness.ts";

const ECHO = 10;
const SLOW = 11;
const NEVER = 12;

const h = useHarness();
// See also test/scenarios/shutdown.ts (the same core on Bun sockets, node:net and Node).

// start() resolves once listening and server.port is the bound port.
describe("start", () => {
  test("start() resolves when listening; server.port is the bound port", async () => {
    const server = h.newServer();
    server.registerProcessor(ECHO, echo);
    expect(() => server.port).toThrow(RemotingError); // not known before start()
    const started = server.start();
    expect(server.start()).toBe(started); // a second start() is the same promise
    await started;
    expect(server.port).toBeGreaterThan(0);
    const raw = await h.rawClient(server.port); // really listening there
    await raw.sendFrame(createRequest(ECHO, { opaque: 9 }));
    expect((await raw.waitForFrames(1))[0]!.opaque).toBe(9);
  });

  test("a fixed port is used as given; a port in use makes start() reject", async () => {
    const port = await unusedPort();
    const first = await h.server({ port });
    expect(first.port).toBe(port);
    const second = h.newServer({ port });
    const error = await rejectionOf(second.start());
    expect(error).toBeInstanceOf(Error);
    await within(second.shutdown(), 1000, "shutdown after a failed start");
  });

  test("start() after shutdown() is refused with a RemotingError", async () => {
    const server = await h.server();
    await server.shutdown();
    expect(await rejectionOf(server.start())).toBeInstanceOf(RemotingError);
    const never = h.newServer();
    await never.shutdown();
    expect(await rejectionOf(never.start())).toBeInstanceOf(RemotingError);
  });
});

// shutdown() is graceful and idempotent and always settles; in-flight work may
// finish within the grace period (shutdownTimeoutMs), what is left then fails clearly.
describe("server shutdown", () => {
  test("is idempotent: two calls give the same promise, and it settles", async () => {
    const server = await h.server();
    const a = server.shutdown();
    const b = server.shutdown();
    expect(a).toBe(b);
    await within(a, 2000);
    const unstarted = h.newServer();
    const c = unstarted.shutdown();
    expect(unstarted.shutdown()).toBe(c);
    await within(c, 2000);
  });

  test("the server's own calls to clients fail when it shuts down, and fail after it", async () => {
    const catcher = channelCatcher();
    const server = await h.server({ shutdownTimeoutMs: 100 }, (s) => s.registerProcessor(ECHO, catcher.processor));
    const client = h.client();
    client.registerProcessor(NEVER, () => null);
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    const ch = await catcher.channel;
    const pending = rejectionOf(server.invokeSync(ch, createRequest(NEVER), 10_000));
    await within(server.shutdown(), 2000);
    expect(await within(pending, 1000)).toBeInstanceOf(RemotingError);
    expect(await rejectionOf(server.invokeSync(ch, createRequest(NEVER), 1000))).toBeInstanceOf(RemotingError);
    const cb = await asyncCall((done) => server.invokeAsync(ch, createRequest(NEVER), 1000, done)).done;
    expect(cb.error).toBeInstanceOf(RemotingError);
  });

  test("goAwayOnShutdown: while draining, requests from clients newer than 5.3.1 are answered GO_AWAY", async () => {
    const started = deferred();
    const server = await h.server({ shutdownTimeoutMs: 2000, goAwayOnShutdown: true }, (s) => {
      s.registerProcessor(ECHO, echo);
      s.registerProcessor(SLOW, async () => {
        started.resolve();
        await sleep(300);
        return createResponse(0, "slow");
      });
    });
    const raw = await h.rawClient(server.port);
    await raw.sendFrame(createRequest(SLOW, { opaque: 1 }));
    await started.promise;
    const shutdown = server.shutdown();
    await raw.sendFrame(createRequest(ECHO, { opaque: 2, version: 476 }));
    await raw.sendFrame(createRequest(ECHO, { opaque: 3, version: 475, serializeType: "ROCKETMQ" }));
    const frames = await raw.waitForFrames(3);
    const byOpaque = new Map(frames.map((f) => [f.opaque, f]));
    expect(byOpaque.get(2)!.code).toBe(ResponseCode.GO_AWAY);
    expect(byOpaque.get(2)!.remark).toBe("please go away");
    expect(byOpaque.get(3)!.code).toBe(0);
    expect(byOpaque.get(1)!.remark).toBe("slow");
    await within(shutdown, 3000);
  });
});

// shutdown() is idempotent; it waits for pending calls up to shutdownTimeoutMs,
// then fails them; afterwards every call fails with a typed RemotingError.
describe("client shutdown", () => {
  test("waits for a pending call that is answered in time", async () => {
    const arrived = deferred();
    const server = await h.server({}, (s) =>
      s.registerProcessor(SLOW, async () => {
        arrived.resolve();
        await sleep(100);
        return createResponse(0, "answered");
      }),
    );
    const client = h.client({ shutdownTimeoutMs: 2000 });
    const call = client.invokeSync(addrOf(server), createRequest(SLOW), 3000);
    await within(arrived.promise, 2000, "the request at the server"); // sent: shutdown must wait for its answer
    const a = client.shutdown();
    expect(client.shutdown()).toBe(a);
    expect((await call).remark).toBe("answered");
    await within(a, 2000);
  });

  test("calls after shutdown fail with a typed RemotingError", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, echo));
    const client = h.client();
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    await client.shutdown();
    const errors = [
      await rejectionOf(client.invokeSync(addrOf(server), createRequest(ECHO), 1000)),
      await rejectionOf(client.invokeOneway(addrOf(server), createRequest(ECHO), 1000)),
      (await asyncCall((cb) => client.invokeAsync(addrOf(server), createRequest(ECHO), 1000, cb)).done).error!,
      await rejectionOf(client.invokeSync(null, createRequest(ECHO), 1000)),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(RemotingError);
      expect(typeof (error as RemotingError).code).toBe("string");
      expect(error.message).toMatch(/shut/i);
    }
  });

  test("a client that never called anything shuts down at once", async () => {
    const client = h.client({ shutdownTimeoutMs: 5000 });
    await client.start();
    await within(client.shutdown(), 500);
  });
});

// Servers and clients are AsyncDisposable (`await using`).
describe("await using", () => {
  test("disposes server and client at the end of the block", async () => {
    let port = 0;
    let outside: RemotingClient | null = null;
    {
      await using server = new RemotingServer({ host: HOST, port: 0, logger: silentLogger, shutdownTimeoutMs: 100 });
      server.registerProcessor(ECHO, echo);
      await server.start();
      port = server.port;
      await using client = new RemotingClient({ logger: silentLogger, shutdownTimeoutMs: 100 });
      outside = client;
      expect((await client.invokeSync(`${HOST}:${port}`, createRequest(ECHO), 2000)).code).toBe(0);
    }
    // The client is shut down...
    expect(await rejectionOf(outside!.invokeSync(`${HOST}:${port}`, createRequest(ECHO), 1000))).toBeInstanceOf(RemotingError);
    // ...and so is the server: nothing listens on its port any more.
    const probe = h.client();
    expect(await rejectionOf(probe.invokeSync(`${HOST}:${port}`, createRequest(ECHO), 1000))).toBeInstanceOf(RemotingConnectError);
  });
});

