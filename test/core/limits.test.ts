import { describe, expect, test } from "bun:test";
import {
  CONNECTION_BUSY_REMARK,
  createRequest,
  encodeFrame,
  RemotingAbortProcessError,
  RemotingCommandError,
  RemotingError,
  RemotingLimitError,
  RemotingServer,
  RemotingSysResponseCode,
  SERVER_DEFAULTS,
  type RemotingCommand,
  type RemotingServerOptions,
} from "../../src/index.ts";
import { addrOf, deferred, echo, useHarness, rejectionOf, sleep, waitFor, within } from "../helpers/harness.ts";

// The server's own limits (none of them in Java): each has a safe default, refuses only the
// offending connection or request, says why (a log line, an EXCEPTION event with a typed error, or a
// SYSTEM_BUSY answer), and never stops the server from serving everyone else.

const ECHO = 10;
const GATED = 11;

const h = useHarness();

async function limitedServer(options: RemotingServerOptions) {
  const stats = { processed: 0, exceptions: [] as Error[], closes: 0 };
  let gate = deferred();
  const server = await h.server(options, (s) => {
    s.registerProcessor(ECHO, (ctx, req) => (stats.processed++, echo(ctx, req)));
    s.registerProcessor(GATED, async (ctx, req) => {
      stats.processed++;
      await gate.promise;
      return echo(ctx, req);
    });
    s.setChannelEventListener({ onChannelException: (_a, _c, e) => stats.exceptions.push(e!), onChannelClose: () => stats.closes++ });
  });
  return {
    server,
    stats,
    openGate() {
      gate.resolve();
      gate = deferred();
    },
  };
}

const int32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

test("the defaults are safe and stated", () => {
  expect(SERVER_DEFAULTS.maxConnections).toBe(10_000);
  expect(SERVER_DEFAULTS.maxPendingRequestsPerConnection).toBe(4096);
  expect(SERVER_DEFAULTS.frameTimeoutMs).toBe(60_000);
  expect(SERVER_DEFAULTS.maxHeaderLength).toBe(1024 * 1024);
  expect(SERVER_DEFAULTS.maxFrameLength).toBe(16 * 1024 * 1024);
  expect(SERVER_DEFAULTS.channelMaxIdleMs).toBe(120_000);
  expect(SERVER_DEFAULTS.tlsMode).toBe("permissive");
});

describe("maxConnections", () => {
  test("a connection beyond the limit is closed at once, unanswered; the others are served; room frees up on close", async () => {
    const { server, stats } = await limitedServer({ maxConnections: 3 });
    const held = await Promise.all([0, 1, 2].map(() => h.rawClient(server.port)));
    for (const [i, raw] of held.entries()) await raw.sendFrame(createRequest(ECHO, { opaque: i + 1 }));
    for (const raw of held) await raw.waitForFrames(1);
    const extra = await h.rawClient(server.port);
    await extra.sendFrame(createRequest(ECHO, { opaque: 99 })).catch(() => {});
    await within(extra.closed.promise, 2000, "the refused connection to close");
    expect(extra.bytesReceived).toBe(0);
    expect(stats.processed).toBe(3);
    held[0]!.end();
    await waitFor(() => stats.closes === 1, "the server to see the close");
    const later = await h.rawClient(server.port);
    await later.sendFrame(createRequest(ECHO, { opaque: 7 }));
    expect((await later.waitForFrames(1))[0]!.opaque).toBe(7);
    for (const raw of held.slice(1)) expect(raw.isClosed).toBe(false);
  });

  test("a library client refused by maxConnections gets a typed error quickly, and succeeds once there is room", async () => {
    const { server, stats } = await limitedServer({ maxConnections: 1 });
    const first = h.client();
    await first.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    const second = h.client();
    const t0 = performance.now();
    const error = await rejectionOf(second.invokeSync(addrOf(server), createRequest(ECHO), 5000));
    expect(error).toBeInstanceOf(RemotingError);
    expect(performance.now() - t0).toBeLessThan(2000);
    const closesBefore = stats.closes;
    first.closeChannel(addrOf(server));
    await waitFor(() => stats.closes > closesBefore, "the server to see the first connection closed");
    expect((await second.invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(0);
  });
});

describe("maxPendingRequestsPerConnection", () => {
  test("requests beyond the limit are answered SYSTEM_BUSY at once; other connections keep their own allowance", async () => {
    const { server, openGate } = await limitedServer({ maxPendingRequestsPerConnection: 4 });
    const client = h.client();
    const other = h.client();
    const addr = addrOf(server);
    const calls = Array.from({ length: 10 }, (_, i) => client.invokeSync(addr, createRequest(GATED, { extFields: { i: String(i) } }), 5000));
    const otherCalls = Array.from({ length: 4 }, () => other.invokeSync(addr, createRequest(GATED), 5000));
    const busy = await within(Promise.all(calls.slice(4)), 2000, "the 6 refused calls");
    for (const response of busy) {
      expect(response.code).toBe(RemotingSysResponseCode.SYSTEM_BUSY);
      expect(response.remark).toBe(CONNECTION_BUSY_REMARK);
    }
    openGate();
    for (const response of await Promise.all([...calls.slice(0, 4), ...otherCalls])) expect(response.code).toBe(0);
    // The allowance is given back: four at once again.
    const again = Array.from({ length: 4 }, () => client.invokeSync(addr, createRequest(GATED), 5000));
    await sleep(20);
    openGate();
    for (const response of await Promise.all(again)) expect(response.code).toBe(0);
  });

  test("requests that fail, throw or are refused by a hook give their slot back", async () => {
    let refuse = true;
    const server = await h.server({ maxPendingRequestsPerConnection: 2 }, (s) => {
      s.registerProcessor(ECHO, (ctx, req) => echo(ctx, req));
      s.registerProcessor(20, () => {
        throw new Error("boom");
      });
      s.registerProcessor(21, async () => {
        throw new Error("async boom");
      });
      s.registerRPCHook({
        doBeforeRequest(_a, req) {
          if (refuse && req.code === 22) throw new RemotingAbortProcessError(16, "no");
        },
        doAfterResponse() {},
      });
      s.registerProcessor(22, (ctx, req) => echo(ctx, req));
    });
    const client = h.client();
    const addr = addrOf(server);
    for (let round = 0; round < 5; round++) {
      const codes = await Promise.all([20, 21, 22].map((code) => client.invokeSync(addr, createRequest(code), 2000).then((r) => r.code)));
      expect(codes).toEqual([1, 1, 16]);
    }
    refuse = false;
    const ok = await Promise.all([0, 1].map(() => client.invokeSync(addr, createRequest(22), 2000)));
    expect(ok.map((r) => r.code)).toEqual([0, 0]);
  });
});

describe("frameTimeoutMs (slowloris)", () => {
  test("a frame started and never finished closes the connection with a typed, logged reason", async () => {
    const { server, stats } = await limitedServer({ frameTimeoutMs: 150, scanIntervalMs: 20 });
    const raw = await h.rawClient(server.port);
    const frame = encodeFrame(createRequest(ECHO, { body: new Uint8Array(100) }));
    await raw.send(frame.subarray(0, 10));
    const t0 = performance.now();
    await within(raw.closed.promise, 2000, "the stalled connection to close");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    await waitFor(() => stats.exceptions.length === 1, "the EXCEPTION event");
    const error = stats.exceptions[0] as RemotingLimitError;
    expect(error).toBeInstanceOf(RemotingLimitError);
    expect(error.limit).toBe("frameTimeoutMs");
    expect(error.message).toContain("10 bytes so far");
  });

  test("a peer trickling one byte at a time is closed even though it is never idle", async () => {
    // Idle after 2 s: far longer than the frame may take, and than the 20 ms between bytes.
    const { server, stats } = await limitedServer({ frameTimeoutMs: 200, scanIntervalMs: 20, channelMaxIdleMs: 2000 });
    const good = h.client();
    const raw = await h.rawClient(server.port);
    const frame = encodeFrame(createRequest(ECHO, { body: new Uint8Array(200) }));
    for (let i = 0; i < frame.length && !raw.isClosed; i++) {
      await raw.send(frame.subarray(i, i + 1)).catch(() => {});
      await sleep(20);
      if (i % 5 === 0) expect((await good.invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(0);
    }
    expect(raw.isClosed).toBe(true);
    await waitFor(() => stats.exceptions.some((e) => e instanceof RemotingLimitError), "the frameTimeoutMs EXCEPTION event");
  });

  test("a busy connection whose frames each complete in time is never closed, however long it runs", async () => {
    const { server, stats } = await limitedServer({ frameTimeoutMs: 100, scanIntervalMs: 10 });
    const raw = await h.rawClient(server.port);
    const frames = Array.from({ length: 12 }, (_, i) => encodeFrame(createRequest(ECHO, { opaque: i, body: new Uint8Array(50) })));
    // Every chunk ends inside a frame (the next one started): the connection always holds a partial frame.
    const stream = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let off = 0;
    for (const f of frames) stream.set(f, (off += f.length) - f.length);
    const cuts = frames.map((_, i) => frames.slice(0, i + 1).reduce((n, f) => n + f.length, 0) + 10);
    let from = 0;
    for (const cut of cuts.slice(0, -1)) {
      await raw.send(stream.subarray(from, cut));
      from = cut;
      await sleep(40);
    }
    await raw.send(stream.subarray(from));
    expect((await raw.waitForFrames(12)).length).toBe(12);
    expect(raw.isClosed).toBe(false);
    expect(stats.exceptions).toEqual([]);
  });
});

describe("maxHeaderLength", () => {
  /** A JSON request frame whose header is padded by a remark to exactly `headerLength` bytes. */
  function frameWithHeader(headerLength: number): Uint8Array {
    const base = JSON.stringify({ code: ECHO, flag: 0, language: "JAVA", opaque: 5, remark: "", serializeTypeCurrentRPC: "JSON", version: 479 });
    const header = new TextEncoder().encode(base.replace('"remark":""', `"remark":"${"x".repeat(headerLength - base.length)}"`));
    expect(header.length).toBe(headerLength);
    return new Uint8Array([...int32(4 + header.length), 0, ...int32(header.length).slice(1), ...header]);
  }

  test("a header at the limit is served; one byte over closes the connection with a RemotingCommandError", async () => {
    const { server, stats } = await limitedServer({ maxHeaderLength: 1000 });
    const raw = await h.rawClient(server.port);
    await raw.send(frameWithHeader(1000));
    expect((await raw.waitForFrames(1))[0]!.opaque).toBe(5);
    await raw.send(frameWithHeader(1001));
    await within(raw.closed.promise, 2000, "the close");
    expect(raw.frames.length).toBe(1);
    await waitFor(() => stats.exceptions.length === 1, "the EXCEPTION event");
    expect(stats.exceptions[0]).toBeInstanceOf(RemotingCommandError);
    expect(stats.exceptions[0]!.message).toBe("header length 1001 exceeds maxHeaderLength 1000");
  });
});

describe("option validation names the option", () => {
  const cases: [object, string][] = [
    [{ maxConnections: 0 }, "maxConnections"],
    [{ maxPendingRequestsPerConnection: 0 }, "maxPendingRequestsPerConnection"],
    [{ frameTimeoutMs: -1 }, "frameTimeoutMs"],
    [{ maxHeaderLength: 10 }, "maxHeaderLength"],
    [{ maxHeaderLength: 0x1000000 }, "maxHeaderLength"],
    [{ tlsMode: "strict" }, "tlsMode"],
    [{ tls: { cert: "x" } }, "tls"],
    [{ tls: { key: "x", cert: "y", bogus: 1 } }, "tls"],
    [{ tls: { key: 42, cert: "y" } }, "tls"],
  ];
  for (const [options, name] of cases) {
    test(`${JSON.stringify(options)} is a TypeError naming "${name}"`, () => {
      expect(() => new RemotingServer(options as never)).toThrow(new RegExp(`"${name}"`));
    });
  }
});

// The limits must not cost the plaintext fast path its batching: many pipelined requests on one
// connection still come back in one go, in order.
test("pipelined requests are still answered in order with every limit active", async () => {
  const { server } = await limitedServer({ maxPendingRequestsPerConnection: 10, frameTimeoutMs: 1000, maxHeaderLength: 4096 });
  const raw = await h.rawClient(server.port);
  const batch = Array.from({ length: 2000 }, (_, i) => encodeFrame(createRequest(ECHO, { opaque: i + 1 })));
  await raw.send(Buffer.concat(batch));
  const frames: RemotingCommand[] = await raw.waitForFrames(2000, 5000);
  expect(frames.map((f) => f.opaque)).toEqual(batch.map((_, i) => i + 1));
  expect(frames.every((f) => f.code === 0)).toBe(true);
});
