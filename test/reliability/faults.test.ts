import { describe, expect, test } from "bun:test";
import type { Socket } from "bun";
import {
  createRequest,
  encodeFrame,
  FrameDecoder,
  RemotingConnectError,
  RemotingSendRequestError,
  RemotingTimeoutError,
  type RemotingClient,
  type RemotingServer,
} from "../../src/index.ts";
import { ChildCode, ChildServer, MiB, mib } from "../helpers/child-server.ts";
import { asyncCall, addrOf, echo, HOST, rejectionOf, sleep, useHarness, waitFor, within } from "../helpers/harness.ts";
import { Random } from "../helpers/random.ts";

// Failures a transport meets in production: a server process that dies mid-flight, peers that
// half-close, reset, stop reading, and storms of connections. Whatever happens, every call settles
// once with a typed error, nothing hangs, memory stays bounded, and service resumes.

const { ECHO, SLOW, BIG } = ChildCode;

const h = useHarness();

async function childServer(options: Record<string, unknown> = {}, port = 0): Promise<ChildServer> {
  const server = await ChildServer.start(options, port);
  h.defer(() => server.kill());
  return server;
}

describe("a server process killed mid-flight", () => {
  test("every pending call fails fast with a typed error, none hangs, and the client reconnects when the server is back", async () => {
    const server = await childServer();
    const client = h.client({ connectTimeoutMs: 1000 });
    const addr = server.addr;
    expect((await client.invokeSync(addr, createRequest(ECHO), 3000)).code).toBe(0);
    const N = 300;
    const calls = Array.from({ length: N }, (_, i) =>
      asyncCall((cb) => client.invokeAsync(addr, createRequest(SLOW, { extFields: { delayMs: "60000", i: String(i) } }), 60_000, cb)),
    );
    while ((await server.stats(client)).slowInFlight < N) await sleep(10);
    const killedAt = performance.now();
    await server.kill("SIGKILL");
    const results = await within(Promise.all(calls.map((c) => c.done)), 3000, "every pending call to fail");
    for (const result of results) {
      expect(result.error).toBeInstanceOf(RemotingSendRequestError);
      expect(result.at - killedAt).toBeLessThan(1000);
    }
    const down = await rejectionOf(client.invokeSync(addr, createRequest(ECHO), 5000));
    expect(down).toBeInstanceOf(RemotingConnectError);
    expect(calls.every((c) => c.calls() === 1)).toBe(true); // a connect attempt later, still once each

    await childServer({}, server.port);
    const back = await client.invokeSync(addr, createRequest(ECHO, { extFields: { after: "restart" } }), 3000);
    expect(back.extFields).toEqual({ after: "restart" });
    console.info(`server killed with ${N} calls in flight: ${N} failed with RemotingSendRequestError within ${Math.max(...results.map((r) => r.at - killedAt)).toFixed(0)} ms, 0 hung; reconnected after restart`);
  });
});

async function inProcessServer(options = {}) {
  const stats = { closes: 0 };
  const server = await h.server(options, (s) => {
    s.registerProcessor(ECHO, (ctx, req) => echo(ctx, req));
    s.registerProcessor(BIG, (_ctx, req) => echo(_ctx, createRequest(0, { body: new Uint8Array(Number(req.extFields!.size)) })));
    s.setChannelEventListener({ onChannelClose: () => stats.closes++ });
  });
  return { server, stats };
}

async function expectServing(server: RemotingServer, client: RemotingClient): Promise<void> {
  expect((await client.invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(0);
}

describe("half-close and reset", () => {
  test("a client that half-closes after its requests gets its answers, then the server closes; others unaffected", async () => {
    const { server, stats } = await inProcessServer();
    const good = h.client();
    await expectServing(server, good);
    const peer = await h.rawClient(server.port, { allowHalfOpen: true });
    await peer.send(Buffer.concat([1, 2, 3].map((opaque) => encodeFrame(createRequest(ECHO, { opaque })))));
    await sleep(20); // (a Bun client that half-closes right after writing closes entirely, without reading)
    peer.end(); // FIN: nothing more from us, but we still read
    await within(peer.closed.promise, 2000, "the server to close the half-closed connection");
    expect(peer.frames.map((f) => f.opaque)).toEqual([1, 2, 3]);
    await waitFor(() => stats.closes === 1, "the CLOSE event");
    expect(server.stats.connections).toBe(1);
    await expectServing(server, good);
  });

  test("a server that half-closes with calls pending: they fail at once (typed), the next call reconnects", async () => {
    let requests = 0;
    const raw = await h.rawServer((conn, req) => {
      if (++requests <= 3) {
        if (requests === 3) conn.end(); // FIN after the third request, none answered
      } else {
        conn.reply(req);
      }
    });
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const calls = [1, 2, 3].map(() => asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO), 30_000, cb)));
    const results = await within(Promise.all(calls.map((c) => c.done)), 2000, "the pending calls to fail");
    for (const r of results) expect(r.error).toBeInstanceOf(RemotingSendRequestError);
    expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).remark).toBe("raw");
  });

  test("a client that resets mid-frame: the server frees the connection and goes on", async () => {
    const { server, stats } = await inProcessServer();
    const good = h.client();
    await expectServing(server, good);
    const raw = await h.rawClient(server.port);
    await raw.send(encodeFrame(createRequest(ECHO, { body: new Uint8Array(5000) })).subarray(0, 2000));
    await sleep(10);
    raw.reset(); // RST
    await waitFor(() => stats.closes === 1, "the server to see the reset");
    expect(server.stats.connections).toBe(1);
    await expectServing(server, good);
  });

  test("a server that resets with calls pending: they fail at once (typed), the next call reconnects", async () => {
    let reset = true;
    const raw = await h.rawServer((conn, req) => {
      if (reset) {
        if (conn.frames.length === 5) conn.reset();
      } else {
        conn.reply(req);
      }
    });
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const calls = Array.from({ length: 5 }, () => asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO), 30_000, cb)));
    const results = await within(Promise.all(calls.map((c) => c.done)), 2000, "the pending calls to fail");
    for (const r of results) expect(r.error).toBeInstanceOf(RemotingSendRequestError);
    reset = false;
    expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).remark).toBe("raw");
  });
});

describe("a peer that stops reading", () => {
  for (const size of [16 * 1024, 100 * 1024]) {
    test(`server side, ${size / 1024} KiB answers: the unsent bytes stay bounded; every answer arrives, in order, once the peer reads again`, async () => {
      const high = 256 * 1024;
      const { server } = await inProcessServer({ writeBufferHighWaterMark: high, writeBufferLowWaterMark: 64 * 1024 });
      const good = h.client();
      const raw = await h.rawClient(server.port);
      raw.pause();
      const N = 3000; // 48 MiB / 300 MiB of answers against a 256 KiB high-water mark
      await raw.send(Buffer.concat(Array.from({ length: N }, (_, i) => encodeFrame(createRequest(BIG, { opaque: i + 1, extFields: { size: String(size) } })))));
      let maxQueued = 0;
      for (let t = 0; t < 30; t++) {
        maxQueued = Math.max(maxQueued, server.stats.bytesQueued); // the raw peer's: the good client connects later
        await sleep(10);
      }
      await expectServing(server, good); // others are served meanwhile
      // The high-water mark, plus what one flush may add (256 KiB) and one answer.
      const bound = high + 256 * 1024 + size + 1024;
      expect(maxQueued).toBeLessThanOrEqual(bound);
      raw.resume();
      const frames = await raw.waitForFrames(N, 20_000);
      expect(frames.map((f) => f.opaque)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      console.info(`peer stopped reading ${N} x ${size / 1024} KiB answers: server queue peaked at ${mib(maxQueued)} (bound ${mib(bound)}); all ${N} delivered in order after it resumed`);
    }, 30_000);
  }

  test("client side: calls to a server that stops reading wait unencoded, then time out (typed); the client's queue stays bounded", async () => {
    const raw = await h.rawServer();
    const high = 64 * 1024;
    const client = h.client({ writeBufferHighWaterMark: high, writeBufferLowWaterMark: 16 * 1024, scanIntervalMs: 20 });
    const addr = `127.0.0.1:${raw.port}`;
    await client.invokeOneway(addr, createRequest(ECHO), 1000); // connects
    await waitFor(() => raw.connections.length === 1, "the connection");
    raw.connections[0]!.pause();
    const body = new Uint8Array(32 * 1024);
    const calls = Array.from({ length: 2000 }, () => asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO, { body }), 1500, cb)));
    let maxQueued = 0;
    for (let t = 0; t < 20; t++) {
      maxQueued = Math.max(maxQueued, client.stats.bytesQueued);
      await sleep(10);
    }
    const results = await within(Promise.all(calls.map((c) => c.done)), 5000, "every call to settle");
    for (const r of results) expect(r.error).toBeInstanceOf(RemotingTimeoutError);
    // Calls made in one turn fill one batch (flushed at 256 KiB) before the queue can report itself
    // unwritable; the rest wait as call objects, unencoded.
    const bound = high + 256 * 1024 + body.length + 1024;
    expect(maxQueued).toBeLessThanOrEqual(bound);
    console.info(`client: 2000 x 32 KiB calls to a server that stopped reading: client queue peaked at ${mib(maxQueued)} (bound ${mib(bound)}); all 2000 timed out (RemotingTimeoutError)`);
  });
});

describe("a storm of connections", () => {
  test("a thousand connections at once opening and closing every way, three times over: everything answered, nothing left behind", async () => {
    const server = await childServer();
    const client = h.client();
    const rng = new Random(11);
    const canary = { calls: 0, failures: 0 };
    let storming = true;
    const canaryLoop = (async () => {
      while (storming) {
        const ok = await client.invokeSync(server.addr, createRequest(ECHO), 5000).then((r) => r.code === 0, () => false);
        canary.calls++;
        if (!ok) canary.failures++;
        await sleep(2);
      }
    })();
    type Behaviour = "request, end" | "request, reset" | "reset at once" | "end at once" | "half a frame, reset" | "garbage" | "silent, end";
    const behaviours: Behaviour[] = ["request, end", "request, reset", "reset at once", "end at once", "half a frame, reset", "garbage", "silent, end"];
    const CONNECTIONS = 1000;
    const ROUNDS = 3;
    let requested = 0;
    let answered = 0;
    let failedToConnect = 0;
    /** What the server's heap may grow from the first round to the last. */
    const HEAP_GROWTH_BOUND = 8 * MiB;
    const memory: { heapUsed: number; rss: number; connections: number }[] = [];
    const one = async (behaviour: Behaviour): Promise<void> => {
      let answer!: () => void;
      const answeredPromise = new Promise<void>((r) => (answer = r));
      let closed!: () => void;
      const closedPromise = new Promise<void>((r) => (closed = r));
      const decoder = new FrameDecoder();
      let socket: Socket<undefined>;
      try {
        socket = await Bun.connect({
          hostname: HOST,
          port: server.port,
          socket: {
            data: (_s, chunk) => {
              if (decoder.push(new Uint8Array(chunk)).length > 0) answer();
            },
            close: () => closed(),
            error() {},
            connectError() {},
          },
        });
      } catch {
        failedToConnect++;
        return;
      }
      const frame = encodeFrame(createRequest(ECHO, { opaque: 1, body: new Uint8Array(rng.int(0, 3000)) }));
      switch (behaviour) {
        case "request, end":
        case "request, reset":
          requested++;
          socket.write(frame);
          await within(answeredPromise, 5000, "an answer during the storm");
          answered++;
          if (behaviour === "request, end") socket.end();
          else socket.terminate();
          break;
        case "reset at once":
          socket.terminate();
          break;
        case "end at once":
          socket.end();
          break;
        case "half a frame, reset":
          socket.write(frame.subarray(0, rng.int(1, frame.length - 1)));
          await sleep(rng.int(0, 20));
          socket.terminate();
          break;
        case "garbage":
          socket.write(rng.bytes(rng.int(8, 200)));
          await within(closedPromise, 5000, "the server to close a garbage connection").catch(() => socket.terminate());
          break;
        case "silent, end":
          await sleep(rng.int(0, 50));
          socket.end();
          break;
      }
    };
    const t0 = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(Array.from({ length: CONNECTIONS }, () => one(rng.pick(behaviours))));
      let stats = await server.stats(client);
      const deadline = performance.now() + 3000;
      while (stats.connections > 1 && performance.now() < deadline) {
        await sleep(20);
        stats = await server.stats(client);
      }
      // The lowest of the samples (each after a forced GC), taken for up to 2 s while above the
      // bound: a leak shows in every one of them, a round's last objects still on their way out (a
      // conservative stack scan, a pending close) only for a while (seen twice: 15.8 and 10.4 MiB
      // above the first round, back to 2.6 MiB a moment later).
      for (let i = 0; i < 20; i++) {
        if (i >= 3 && (memory.length === 0 || stats.heapUsed - memory[0]!.heapUsed < HEAP_GROWTH_BOUND)) break;
        await sleep(100);
        const again = await server.stats(client);
        if (again.heapUsed < stats.heapUsed) stats = { ...again, connections: Math.max(again.connections, stats.connections) };
      }
      memory.push(stats);
    }
    storming = false;
    await canaryLoop;
    const seconds = (performance.now() - t0) / 1000;
    console.info(
      `storm: ${ROUNDS} x ${CONNECTIONS} connections in ${seconds.toFixed(1)} s, ${requested} requests, ${answered} answered, ${failedToConnect} connects refused; ` +
        `canary ${canary.calls} calls, ${canary.failures} failed; server connections left after each round ${memory.map((m) => m.connections).join(", ")}; ` +
        `heap ${memory.map((m) => mib(m.heapUsed)).join(" -> ")}, rss ${memory.map((m) => mib(m.rss)).join(" -> ")}`,
    );
    expect(failedToConnect).toBe(0);
    expect(answered).toBe(requested);
    expect(canary.failures).toBe(0);
    for (const m of memory) expect(m.connections).toBe(1);
    expect(memory[2]!.heapUsed - memory[0]!.heapUsed).toBeLessThan(HEAP_GROWTH_BOUND);
    expect(memory[2]!.rss - memory[0]!.rss).toBeLessThan(32 * MiB);
  }, 60_000);
});
