import assert from "node:assert/strict";
import type { RemotingChannel, RemotingCommand } from "../../src/surface.ts";
import { asyncCall, deferred, rejectionOf, waitFor, within } from "../helpers/promises.ts";
import { recordingLogger } from "../helpers/probes.ts";
import { unusedPort } from "../helpers/unused-port.ts";
import { group } from "./scenario.ts";

const TYPES = ["JSON", "ROCKETMQ"] as const;
const ECHO = 10;
const NEVER = 12;
const CALL_CLIENT = 13;
const CLIENT_CODE = 40;

// The three invocation primitives from the client, and from the server to its clients
// on the same connection.
export const invoke = group("invokeSync, invokeAsync, invokeOneway", (scenario) => {
  for (const type of TYPES) {
    scenario(`${type}: invokeSync resolves with the matching response, 20 in a row`, async (h) => {
      const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
      const client = h.client();
      for (let i = 0; i < 20; i++) {
        const response = await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { i: String(i) }, serializeType: type }), 3000);
        assert.deepEqual(response.extFields, { i: String(i) });
      }
    });

    scenario(`${type}: invokeAsync calls back exactly once with (null, response)`, async (h) => {
      const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
      const client = h.client();
      const call = asyncCall((cb) => client.invokeAsync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { k: "v" }, serializeType: type }), 3000, cb));
      const { error, response } = await call.done;
      assert.equal(error, null);
      assert.deepEqual(response!.extFields, { k: "v" });
      await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000); // a later round trip on the same connection
      assert.equal(call.calls(), 1);
    });

    scenario(`${type}: invokeOneway arrives with the oneway flag and is never answered`, async (h) => {
      const got = deferred<RemotingCommand>();
      let answered = 0;
      const server = await h.server({}, (s) =>
        s.registerProcessor(ECHO, (ctx, req) => {
          if (req.extFields?.oneway === "yes") got.resolve(req);
          else answered++;
          return h.echo(ctx, req);
        }),
      );
      const client = h.client();
      await client.invokeOneway(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { oneway: "yes" }, serializeType: type }), 3000);
      const req = await within(got.promise, 2000, "the oneway request at the server");
      assert.equal(req.flag & 3, 2);
      // A sync call afterwards gets its own answer, not a (suppressed) oneway one.
      const response = await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { oneway: "no" } }), 3000);
      assert.deepEqual(response.extFields, { oneway: "no" });
      assert.equal(answered, 1);
    });

    scenario(`${type}: 10 000 pipelined invokeAsync calls on one connection, each matched to its own answer`, async (h) => {
      let connects = 0;
      const server = await h.server({}, (s) => {
        s.registerProcessor(ECHO, h.echo);
        s.setChannelEventListener({ onChannelConnect: () => connects++ });
      });
      const client = h.client();
      const N = 10_000;
      const all = deferred();
      const problems: string[] = [];
      const opaques = new Set<number>();
      let done = 0;
      for (let i = 0; i < N; i++) {
        const body = new Uint8Array(8);
        const view = new DataView(body.buffer);
        view.setUint32(0, Math.imul(i, 2654435761));
        view.setUint32(4, i);
        client.invokeAsync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { i: String(i) }, body, serializeType: type }), 10_000, (error, response) => {
          if (error !== null) problems.push(`${i}: ${error.message}`);
          else if (response!.extFields?.i !== String(i) || Buffer.compare(response!.body!, body) !== 0) problems.push(`${i}: another call's answer`);
          else opaques.add(response!.opaque);
          if (++done === N) all.resolve();
        });
      }
      await within(all.promise, 15_000, "10 000 callbacks");
      assert.deepEqual(problems, []);
      assert.equal(opaques.size, N, "every call had its own opaque");
      await waitFor(() => connects > 0, "the CONNECT event");
      assert.equal(connects, 1);
    }, 25_000);
  }

  scenario("one command object reused for 200 concurrent calls: every call gets its own answer (the opaque belongs to the call)", async (h) => {
    const opaquesAtServer = new Set<number>();
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, (_ctx, req) => (opaquesAtServer.add(req.opaque), h.lib.createResponse(0, `for ${req.opaque}`))));
    const client = h.client();
    const request = h.lib.createRequest(ECHO, { opaque: 5 });
    const calls = Array.from({ length: 200 }, () => asyncCall((cb) => client.invokeAsync(h.addrOf(server), request, 3000, cb)));
    const results = await Promise.all(calls.map((c) => within(c.done, 3000)));
    for (const { error, response } of results) {
      assert.equal(error, null);
      assert.equal(response!.remark, `for ${response!.opaque}`);
    }
    assert.equal(new Set(results.map((r) => r.response!.opaque)).size, 200);
    assert.equal(opaquesAtServer.size, 200);
  });

  scenario("asyncSemaphoreValue 2: a third concurrent call fails at once with RemotingTooMuchRequestError; permits come back", async (h) => {
    const parked: RemotingChannel[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, (ctx) => (parked.push(ctx.channel), null));
    });
    const client = h.client({ asyncSemaphoreValue: 2 });
    const addr = h.addrOf(server);
    const held = [0, 1].map(() => asyncCall((cb) => client.invokeAsync(addr, h.lib.createRequest(NEVER), 10_000, cb)));
    const third = await within(asyncCall((cb) => client.invokeAsync(addr, h.lib.createRequest(ECHO), 3000, cb)).done, 500, "the refusal");
    assert.ok(third.error instanceof h.lib.RemotingTooMuchRequestError, String(third.error));
    await waitFor(() => parked.length === 2, "both held calls at the server");
    parked[0]!.close(); // fails both held calls, which returns their permits
    for (const call of held) assert.ok((await within(call.done, 1000)).error instanceof h.lib.RemotingSendRequestError);
    const again = await Promise.all([0, 1].map(() => client.invokeSync(addr, h.lib.createRequest(ECHO), 3000)));
    assert.deepEqual(again.map((r) => r.code), [0, 0]);
  });

  scenario("a refused connect fails sync, async and oneway calls at once with RemotingConnectError naming the address", async (h) => {
    const client = h.client();
    const dead = `127.0.0.1:${await unusedPort()}`;
    const t0 = performance.now();
    const sync = await rejectionOf(client.invokeSync(dead, h.lib.createRequest(ECHO), 3000));
    const call = asyncCall((cb) => client.invokeAsync(dead, h.lib.createRequest(ECHO), 3000, cb));
    const viaCallback = await call.done;
    assert.equal(viaCallback.response, undefined);
    const oneway = await rejectionOf(client.invokeOneway(dead, h.lib.createRequest(ECHO), 3000));
    assert.ok(performance.now() - t0 < 2000);
    for (const error of [sync, viaCallback.error, oneway]) {
      assert.ok(error instanceof h.lib.RemotingConnectError, String(error));
      assert.equal(error.code, "ERR_REMOTING_CONNECT");
      assert.equal(error.addr, dead);
      assert.equal(error.message, `connect to ${dead} failed`);
    }
    assert.equal(call.calls(), 1); // the oneway's connect attempt came later, and the callback still ran once
  });
});

// The outside test: a call refused before it started (an aborted signal, no permit, a shut-down
// endpoint, a closed channel) ran its callback inside invokeAsync, and a throw from the callback
// reached invokeAsync's caller; so did one that failed on its way out (a hook, an encoding error).
export const refusedCalls = group("invokeAsync calls that fail before invokeAsync returns", (scenario) => {
  scenario("the callback runs after invokeAsync returned, once, and a throw from it is logged, never thrown at the caller", async (h) => {
    const { logger, warnings } = recordingLogger();
    const parked: RemotingChannel[] = [];
    const server = await h.server({ logger }, (s) => {
      s.registerProcessor(NEVER, (ctx) => (parked.push(ctx.channel), null));
      s.registerProcessor(ECHO, h.echo);
    });
    const client = h.client({ asyncSemaphoreValue: 1, logger });
    const addr = h.addrOf(server);
    client.invokeAsync(addr, h.lib.createRequest(NEVER), 10_000, () => {}); // holds the one permit
    await waitFor(() => parked.length === 1, "the held call at the server");
    const stopped = h.client({ logger });
    await stopped.shutdown();
    const closed = parked[0]!;
    const open = h.client({ logger }); // connected, with permits to spare
    assert.equal((await open.invokeSync(addr, h.lib.createRequest(ECHO), 3000)).code, 0);
    const hooked = h.client({ logger });
    assert.equal((await hooked.invokeSync(addr, h.lib.createRequest(ECHO), 3000)).code, 0);
    hooked.registerRPCHook({ doBeforeRequest: () => { throw new Error("refused by the hook"); }, doAfterResponse: () => {} });
    const unencodable = h.lib.createRequest(NEVER);
    unencodable.body = {} as never;
    const oversized = h.lib.createRequest(NEVER, { extFields: { big: "x".repeat(1_100_000) } });
    const refusals: [string, (callback: (error: Error | null) => void) => void][] = [
      ["an aborted signal", (cb) => client.invokeAsync(addr, h.lib.createRequest(NEVER), { signal: AbortSignal.abort() }, cb)],
      ["no permit free", (cb) => client.invokeAsync(addr, h.lib.createRequest(NEVER), 3000, cb)],
      ["a shut-down client", (cb) => stopped.invokeAsync(addr, h.lib.createRequest(NEVER), 3000, cb)],
      ["no name server", (cb) => open.invokeAsync(null, h.lib.createRequest(NEVER), 3000, cb)],
      ["a doBeforeRequest hook that throws", (cb) => hooked.invokeAsync(addr, h.lib.createRequest(NEVER), 3000, cb)],
      ["a command that cannot be encoded", (cb) => open.invokeAsync(addr, unencodable, 3000, cb)],
      ["a header over maxHeaderLength", (cb) => open.invokeAsync(addr, oversized, 3000, cb)],
    ];
    const run = async (refused: (callback: (error: Error | null) => void) => void, what: string): Promise<void> => {
      const calls: (Error | null)[] = [];
      let returned = false;
      refused((error) => {
        calls.push(error);
        assert.ok(returned, `${what}: the callback ran inside invokeAsync`);
        throw new Error(`callback of ${what} throws`);
      });
      returned = true;
      await waitFor(() => calls.length > 0, `${what}: the callback`);
      assert.ok(calls[0] instanceof h.lib.RemotingError, `${what}: ${String(calls[0])}`);
      await waitFor(() => warnings.some((w) => w.includes(`callback of ${what} throws`)), `${what}: the throw logged`);
      assert.equal(calls.length, 1, `${what}: called once`);
    };
    for (const [what, refused] of refusals) await run(refused, what);
    const connections = server.stats.connections;
    closed.close();
    await waitFor(() => server.stats.connections === connections - 1, "the server's side closed");
    await run((cb) => server.invokeAsync(closed, h.lib.createRequest(NEVER), 3000, cb), "a closed channel");
    await server.shutdown();
    await run((cb) => server.invokeAsync(closed, h.lib.createRequest(NEVER), 3000, cb), "a shut-down server");
  });
});

// The outside test: a malformed address failed the call through its promise, as if a connect had
// failed, and loose port spellings (" 123", "0x2694", "123.0") each opened a connection of their
// own; options that are not an object (a number) were taken as no options at all.
export const wrongArguments = group("wrong arguments are a TypeError at once", (scenario) => {
  const BAD_ADDRESSES: unknown[] = [123, undefined, {}, "127.0.0.1", ":9876", "host:", "h: 123", "h:0x2694", "h:123.0", "h:123e0", "h:123\n", "h:+123", "h:65536", "[::1]", "unix:", "[::1:9876", "::1]:9876"];

  scenario("a malformed address: invokeSync, invokeAsync and invokeOneway throw a TypeError naming it, and nothing is called", async (h) => {
    const client = h.client();
    let called = 0;
    for (const addr of BAD_ADDRESSES) {
      const what = JSON.stringify(addr) ?? String(addr);
      assert.throws(() => void client.invokeSync(addr as string, h.lib.createRequest(ECHO), 1000), TypeError, `invokeSync to ${what}`);
      assert.throws(() => client.invokeAsync(addr as string, h.lib.createRequest(ECHO), 1000, () => called++), TypeError, `invokeAsync to ${what}`);
      assert.throws(() => void client.invokeOneway(addr as string, h.lib.createRequest(ECHO), 1000), TypeError, `invokeOneway to ${what}`);
    }
    assert.throws(() => void client.invokeSync("h:0x2694", h.lib.createRequest(ECHO), 1000), /invokeSync: invalid address "h:0x2694"/);
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
    const port = h.addrOf(server).split(":").pop();
    for (const addr of [h.addrOf(server), `[127.0.0.1]:${port}`, `localhost:${port}`]) assert.equal((await client.invokeSync(addr, h.lib.createRequest(ECHO), 3000)).code, 0, addr);
    assert.equal(called, 0);
  });

  scenario("RemotingServer and RemotingClient options that are not an object: a TypeError", async (h) => {
    for (const options of [5, "port", true, [], null]) {
      assert.throws(() => new h.lib.RemotingServer(options as never), /RemotingServer: options must be an object/, JSON.stringify(options));
      assert.throws(() => new h.lib.RemotingClient(options as never), /RemotingClient: options must be an object/, JSON.stringify(options));
    }
  });

  scenario("a request code beyond an int32, and a channel event listener that is not one: a TypeError naming it", async (h) => {
    const server = h.newServer({});
    for (const code of [2 ** 31, -(2 ** 31) - 1, 2 ** 40, 1.5, NaN]) assert.throws(() => server.registerProcessor(code, h.echo), /registerProcessor: code must be an int32/, String(code));
    server.registerProcessor(2 ** 31 - 1, h.echo);
    server.registerProcessor(-(2 ** 31), h.echo);
    for (const listener of [5, "x", true, () => {}, { onChannelClose: 5 }, { onChannelConnect: "f" }]) {
      assert.throws(() => server.setChannelEventListener(listener as never), /setChannelEventListener: /, String(listener));
    }
    server.setChannelEventListener({ onChannelClose: () => {} });
    server.setChannelEventListener(null);
  });
});

export const serverCalls = group("server -> client calls on the same connection", (scenario) => {
  for (const type of TYPES) {
    scenario(`${type}: a processor calls its client back with invokeSync; the original call then succeeds, on one connection`, async (h) => {
      const { createRequest, createResponse } = h.lib;
      let serverSawChannel: RemotingChannel | null = null;
      const server = await h.server({}, (s) =>
        s.registerProcessor(CALL_CLIENT, async (ctx, req) => {
          serverSawChannel = ctx.channel;
          assert.equal(ctx.channel.remoteAddress, ctx.remoteAddress);
          const answer = await s.invokeSync(ctx.channel, createRequest(CLIENT_CODE, { extFields: { q: req.extFields!.q! }, serializeType: type }), 3000);
          return createResponse(0, `client said: ${answer.remark}`, { serializeType: type });
        }),
      );
      const connects: RemotingChannel[] = [];
      server.setChannelEventListener({ onChannelConnect: (_addr, channel) => void connects.push(channel) });
      const client = h.client();
      let clientSawAddr = "";
      client.registerProcessor(CLIENT_CODE, (ctx, req) => {
        clientSawAddr = ctx.remoteAddress;
        return createResponse(0, `pong ${req.extFields!.q}`, { serializeType: type });
      });
      const response = await client.invokeSync(h.addrOf(server), createRequest(CALL_CLIENT, { extFields: { q: "ping" }, serializeType: type }), 3000);
      assert.equal(response.code, 0);
      assert.equal(response.remark, "client said: pong ping");
      assert.equal(clientSawAddr, h.addrOf(server));
      await waitFor(() => connects.length > 0, "the CONNECT event");
      assert.equal(connects.length, 1, "no second connection for the call back");
      assert.equal(serverSawChannel, connects[0], "the processor's channel is the connection's");
    });
  }

  scenario("server.invokeAsync and server.invokeOneway reach the client's processors; an unknown code is answered 3", async (h) => {
    const { createRequest, createResponse } = h.lib;
    const channel = deferred<RemotingChannel>();
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, (ctx, req) => (channel.resolve(ctx.channel), h.echo(ctx, req))));
    const client = h.client();
    const onewaySeen = deferred<RemotingCommand>();
    client.registerProcessor(CLIENT_CODE, (_ctx, req) => {
      if ((req.flag & 2) !== 0) onewaySeen.resolve(req);
      return createResponse(0, `client got ${req.extFields!.n}`);
    });
    await client.invokeSync(h.addrOf(server), createRequest(ECHO), 3000);
    const ch = await channel.promise;
    const call = asyncCall((cb) => server.invokeAsync(ch, createRequest(CLIENT_CODE, { extFields: { n: "async" } }), 3000, cb));
    const { error, response } = await call.done;
    assert.equal(error, null);
    assert.equal(response!.remark, "client got async");
    await server.invokeOneway(ch, createRequest(CLIENT_CODE, { extFields: { n: "oneway" } }), 3000);
    assert.deepEqual((await within(onewaySeen.promise, 2000)).extFields, { n: "oneway" });
    assert.equal(call.calls(), 1);
    const unknown = await server.invokeSync(ch, createRequest(999), 3000);
    assert.equal(unknown.code, 3);
    assert.equal(unknown.remark, " request type 999 not supported");
  });
});
