import assert from "node:assert/strict";
import type { ProcessorContext, RemotingChannel, RemotingCommand } from "../../src/surface.ts";
import { asyncCall, deferred, rejectionOf, waitFor, within } from "../helpers/promises.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const NEVER = 12;
const PARK = 13;
const LONG_POLL = 14;
const RECORD = 15;

/** Resolves when `signal` is aborted (at once if it is already). */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}

// The lead's API decision: every invoke takes, where the positional timeoutMs stands, an options
// object { timeoutMs?, signal? }; without timeoutMs the endpoint's invokeTimeoutMs applies (default
// 3000). An aborted call fails at once (ERR_REMOTING_ABORTED, cause = the signal's reason), frees its
// permit and table slot, and its late answer is dropped. Processors get ctx.signal, aborted when
// the requesting connection closes or the server's shutdown begins.
export const cancellation = group("invoke options and cancellation", (scenario) => {
  scenario("{ timeoutMs } in place of the positional timeout, for sync, async and oneway; without it invokeTimeoutMs applies (default 3000)", async (h) => {
    assert.equal(h.lib.CLIENT_DEFAULTS.invokeTimeoutMs, 3000);
    assert.equal(h.lib.SERVER_DEFAULTS.invokeTimeoutMs, 3000);
    const flags: number[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, () => null);
      s.registerProcessor(RECORD, (_ctx, request) => (flags.push(request.flag), null));
    });
    const client = h.client({ invokeTimeoutMs: 150, scanIntervalMs: 20 });
    const addr = h.addrOf(server);
    assert.equal((await client.invokeSync(addr, h.lib.createRequest(ECHO), { timeoutMs: 3000 })).code, 0);
    const viaCallback = asyncCall((cb) => client.invokeAsync(addr, h.lib.createRequest(ECHO), { timeoutMs: 3000 }, cb));
    assert.equal((await viaCallback.done).response?.code, 0);
    await client.invokeOneway(addr, h.lib.createRequest(RECORD), { timeoutMs: 3000 });
    await waitFor(() => flags.length === 1, "the oneway request");
    assert.equal(flags[0]! & 2, 2);
    const defaulted: [string, () => Promise<Error>][] = [
      ["invokeSync(addr, request)", () => rejectionOf(client.invokeSync(addr, h.lib.createRequest(NEVER)))],
      ["invokeSync(addr, request, {})", () => rejectionOf(client.invokeSync(addr, h.lib.createRequest(NEVER), {}))],
      ["invokeAsync(addr, request, {}, callback)", async () => (await asyncCall((cb) => client.invokeAsync(addr, h.lib.createRequest(NEVER), {}, cb)).done).error!],
    ];
    for (const [how, call] of defaulted) {
      const t0 = performance.now();
      const error = await call();
      assert.ok(error instanceof h.lib.RemotingTimeoutError, `${how}: ${String(error)}`);
      assert.equal(error.timeoutMs, 150, how);
      assert.ok(performance.now() - t0 >= 150, `${how} failed early`);
    }
  });

  scenario("bad invoke options are TypeErrors naming the option", async (h) => {
    const client = h.client();
    const request = h.lib.createRequest(ECHO);
    for (const options of [{ timeoutMs: -1 }, { timeoutMs: Number.NaN }, { timeoutMs: "100" }]) {
      assert.throws(() => void client.invokeSync("127.0.0.1:1", request, options as never), (e: Error) => e instanceof TypeError && /timeoutMs/.test(e.message), JSON.stringify(options));
    }
    assert.throws(() => void client.invokeSync("127.0.0.1:1", request, { signal: {} as never }), (e: Error) => e instanceof TypeError && /signal/.test(e.message));
    // A misspelt option is refused, not ignored (the call would run on the default timeout).
    assert.throws(() => void client.invokeSync("127.0.0.1:1", request, { timeout: 100 } as never), (e: Error) => e instanceof TypeError && /unknown option "timeout"/.test(e.message));
  });

  scenario("aborting pending calls: each fails at once with ERR_REMOTING_ABORTED and the signal's reason; permits and table slots come back; late answers are dropped", async (h) => {
    const late: (() => void)[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(PARK, (ctx, request) => (late.push(() => ctx.writeResponse(request, h.lib.createResponse(0, "late"))), null));
    });
    const client = h.client({ asyncSemaphoreValue: 4 });
    const addr = h.addrOf(server);
    const controllers = Array.from({ length: 4 }, () => new AbortController());
    const syncCalls = controllers.slice(0, 2).map((c) => rejectionOf(client.invokeSync(addr, h.lib.createRequest(PARK), { timeoutMs: 10_000, signal: c.signal })));
    const asyncCalls = controllers.slice(2).map((c) => asyncCall((cb) => client.invokeAsync(addr, h.lib.createRequest(PARK), { timeoutMs: 10_000, signal: c.signal }, cb)));
    await waitFor(() => late.length === 4, "4 parked requests");
    assert.ok((await rejectionOf(client.invokeSync(addr, h.lib.createRequest(ECHO), { timeoutMs: 1000 }))) instanceof h.lib.RemotingTooMuchRequestError, "all 4 permits in use");
    const reasons = controllers.map((c, i) => {
      const reason = new Error(`the caller gave up on ${i}`);
      c.abort(reason);
      return reason;
    });
    const errors = await within(Promise.all([...syncCalls, ...asyncCalls.map(async (c) => (await c.done).error!)]), 500, "the aborted calls");
    errors.forEach((error, i) => {
      assert.ok(error instanceof h.lib.RemotingAbortedError, String(error));
      assert.equal(error.code, "ERR_REMOTING_ABORTED");
      assert.equal(error.cause, reasons[i]);
    });
    assert.equal(client.stats.pendingCalls, 0);
    for (const answer of late) answer();
    const again = await Promise.all(Array.from({ length: 4 }, (_, i) => client.invokeSync(addr, h.lib.createRequest(ECHO, { extFields: { i: String(i) } }), { timeoutMs: 3000 })));
    assert.deepEqual(again.map((a) => a.extFields!.i), ["0", "1", "2", "3"], "4 new calls admitted");
    assert.deepEqual(asyncCalls.map((c) => c.calls()), [1, 1], "late answers did not call back again");
  });

  scenario("many calls sharing one signal add one abort listener (no listener warning on Node): one abort fails them all, and calls that end give the listener back", async (h) => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, () => null);
    });
    const client = h.client();
    const addr = h.addrOf(server);
    const controller = new AbortController();
    let listeners = 0;
    const counted = new Proxy(controller.signal, {
      get(target, key) {
        if (key === "addEventListener") return (type: string, listener: () => void, options?: object) => (listeners++, target.addEventListener(type, listener, options));
        if (key === "removeEventListener") return (type: string, listener: () => void) => (listeners--, target.removeEventListener(type, listener));
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const answered = await Promise.all(Array.from({ length: 30 }, () => client.invokeSync(addr, h.lib.createRequest(ECHO), { signal: counted, timeoutMs: 3000 })));
    assert.equal(answered.length, 30);
    assert.equal(listeners, 0, "answered calls gave the listener back");
    const pending = Array.from({ length: 30 }, () => rejectionOf(client.invokeSync(addr, h.lib.createRequest(NEVER), { signal: counted, timeoutMs: 10_000 })));
    assert.equal(listeners, 1, "one listener for 30 calls");
    const reason = new Error("enough");
    controller.abort(reason);
    for (const error of await within(Promise.all(pending), 2000, "the aborted calls")) {
      assert.ok(error instanceof h.lib.RemotingAbortedError, String(error));
      assert.equal((error as Error).cause, reason);
    }
    assert.equal(client.stats.pendingCalls, 0);
  });

  scenario("an abort reaches only the calls still watching the signal: a call started during it (from another call's callback) is not aborted", async (h) => {
    let arrived = 0;
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, () => (arrived++, null));
    });
    const client = h.client();
    const addr = h.addrOf(server);
    const controller = new AbortController();
    const signal = controller.signal;
    const later = deferred<RemotingCommand>();
    const first = asyncCall((cb) =>
      client.invokeAsync(addr, h.lib.createRequest(NEVER), { timeoutMs: 10_000, signal }, (error, response) => {
        cb(error, response);
        client.closeChannel(addr); // ends the second call now: its object is free for the next one
        client.invokeAsync(addr, h.lib.createRequest(ECHO), 3000, (e, r) => (e === null ? later.resolve(r!) : later.reject(e)));
      }),
    );
    const second = asyncCall((cb) => client.invokeAsync(addr, h.lib.createRequest(NEVER), { timeoutMs: 10_000, signal }, cb));
    await waitFor(() => arrived === 2, "both calls sent"); // on the connection that the first one's callback closes
    controller.abort(new Error("enough"));
    assert.ok((await within(first.done, 2000, "the first call")).error instanceof h.lib.RemotingAbortedError);
    const secondError = (await within(second.done, 2000, "the second call")).error;
    assert.ok(secondError instanceof h.lib.RemotingSendRequestError, `the second call failed by the close, before the abort reached it: ${String(secondError)}`);
    assert.equal((await within(later.promise, 3000, "the call made during the abort")).code, 0);
  });

  scenario("an already-aborted signal fails the call at once and sends nothing; so does an abort while the connect is pending", async (h) => {
    const raw = await h.rawServer((conn, request) => conn.reply(request));
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const tagged = (tag: string): RemotingCommand => h.lib.createRequest(ECHO, { extFields: { tag } });
    // Aborted while connecting: the connect goes on, the call does not.
    const connecting = new AbortController();
    const whileConnecting = rejectionOf(client.invokeSync(addr, tagged("aborted while connecting"), { timeoutMs: 3000, signal: connecting.signal }));
    connecting.abort(new Error("changed my mind"));
    const abortedWhileConnecting = await within(whileConnecting, 500, "the call aborted while connecting");
    assert.ok(abortedWhileConnecting instanceof h.lib.RemotingAbortedError, String(abortedWhileConnecting));
    // Already aborted: sync, async and oneway.
    const reason = new Error("too late already");
    const signal = AbortSignal.abort(reason);
    const errors = await within(
      Promise.all([
        rejectionOf(client.invokeSync(addr, tagged("aborted"), { signal })),
        asyncCall((cb) => client.invokeAsync(addr, tagged("aborted"), { signal }, cb)).done.then((r) => r.error!),
        rejectionOf(client.invokeOneway(addr, tagged("aborted"), { signal })),
      ]),
      500,
      "the calls with an aborted signal",
    );
    for (const error of errors) {
      assert.ok(error instanceof h.lib.RemotingAbortedError, String(error));
      assert.equal(error.cause, reason);
    }
    assert.equal((await client.invokeSync(addr, tagged("sent"), 3000)).code, 0);
    assert.deepEqual(raw.connections.flatMap((c) => c.frames.map((f) => f.extFields?.tag)), ["sent"], "only the call that was not aborted reached the server");
    assert.equal(client.stats.pendingCalls, 0);
  });

  scenario("server invokes take the same options: { timeoutMs }, { signal }, and the server's invokeTimeoutMs by default", async (h) => {
    const channel = deferred<RemotingChannel>();
    const server = await h.server({ invokeTimeoutMs: 120, scanIntervalMs: 20 }, (s) => s.registerProcessor(PARK, (ctx) => (channel.resolve(ctx.channel), null)));
    const client = h.client();
    const seen: number[] = [];
    client.registerProcessor(ECHO, h.echo);
    client.registerProcessor(NEVER, (_ctx, request) => (seen.push(request.flag), null));
    client.invokeOneway(h.addrOf(server), h.lib.createRequest(PARK), 3000).catch(() => {});
    const ch = await within(channel.promise, 2000, "the client's connection");
    assert.equal((await server.invokeSync(ch, h.lib.createRequest(ECHO), { timeoutMs: 3000 })).code, 0);
    const controller = new AbortController();
    const abortable = rejectionOf(server.invokeSync(ch, h.lib.createRequest(NEVER), { timeoutMs: 10_000, signal: controller.signal }));
    await waitFor(() => seen.length === 1, "the client to get the call");
    const reason = new Error("no longer needed");
    controller.abort(reason);
    const abortedError = await within(abortable, 500, "the aborted server call");
    assert.equal((abortedError as { code?: string }).code, "ERR_REMOTING_ABORTED");
    assert.equal(abortedError.cause, reason);
    const timedOut = await asyncCall((cb) => server.invokeAsync(ch, h.lib.createRequest(NEVER), { timeoutMs: 100 }, cb)).done;
    assert.equal((timedOut.error as { timeoutMs?: number }).timeoutMs, 100);
    const t0 = performance.now();
    const defaulted = await rejectionOf(server.invokeSync(ch, h.lib.createRequest(NEVER), {}));
    assert.ok(defaulted instanceof h.lib.RemotingTimeoutError, String(defaulted));
    assert.equal(defaulted.timeoutMs, 120);
    assert.ok(performance.now() - t0 >= 120);
    await server.invokeOneway(ch, h.lib.createRequest(NEVER), {});
    await waitFor(() => seen.length === 4, "the oneway call");
    assert.equal(seen[3]! & 2, 2);
  });

  scenario("ctx.signal is aborted when the requesting connection closes (only that connection's requests)", async (h) => {
    const signals: AbortSignal[] = [];
    const stopped: number[] = [];
    const server = await h.server({}, (s) =>
      s.registerProcessor(LONG_POLL, async (ctx, request) => {
        signals.push(ctx.signal);
        await aborted(ctx.signal);
        stopped.push(request.opaque);
        return null;
      }),
    );
    const leaving = await h.rawClient(server.port);
    const staying = await h.rawClient(server.port);
    await leaving.sendFrame(h.lib.createRequest(LONG_POLL, { opaque: 1 }));
    await staying.sendFrame(h.lib.createRequest(LONG_POLL, { opaque: 2 }));
    await waitFor(() => signals.length === 2, "both long polls");
    assert.ok(signals.every((s) => s instanceof AbortSignal && !s.aborted));
    leaving.reset();
    await waitFor(() => stopped.length === 1, "the long poll of the closed connection to stop");
    assert.deepEqual(stopped, [1]);
    assert.equal(signals[1]!.aborted, false);
  });

  scenario("ctx.signal is aborted when shutdown begins: a long-polling processor answers and shutdown does not wait for it", async (h) => {
    const started = deferred<ProcessorContext>();
    const server = await h.server({ shutdownTimeoutMs: 5000 }, (s) =>
      s.registerProcessor(LONG_POLL, async (ctx) => {
        started.resolve(ctx);
        await aborted(ctx.signal);
        return h.lib.createResponse(0, "stopped by shutdown");
      }),
    );
    const call = h.client().invokeSync(h.addrOf(server), h.lib.createRequest(LONG_POLL), 10_000);
    const ctx = await within(started.promise, 2000, "the long poll");
    assert.equal(ctx.signal.aborted, false);
    const t0 = performance.now();
    const stopping = server.shutdown();
    assert.equal((await within(call, 2000, "the long poll's answer")).remark, "stopped by shutdown");
    await within(stopping, 2000, "shutdown");
    assert.ok(performance.now() - t0 < 2000, "shutdown did not wait out shutdownTimeoutMs");
  });
});
