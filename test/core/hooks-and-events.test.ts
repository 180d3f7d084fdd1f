import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingAbortProcessError,
  RemotingConnectError,
  RemotingError,
  RemotingSendRequestError,
  RemotingTimeoutError,
  ResponseCode,
  type ChannelEventListener,
  type RemotingChannel,
  type RemotingCommand,
  type RPCHook,
} from "../../src/index.ts";
import { addrOf, asyncCall, unusedPort, deferred, echo, useHarness, rejectionOf, sleep, waitFor, within, channelCatcher } from "../helpers/harness.ts";

const ECHO = 10;
const NEVER = 12;
const NULL = 13;
const CLIENT_CODE = 40;

const h = useHarness();

interface HookCall {
  kind: "before" | "after";
  addr: string;
  request: RemotingCommand;
  response?: RemotingCommand | null;
}

function recordingHook(extra: Partial<RPCHook> = {}): RPCHook & { calls: HookCall[] } {
  const calls: HookCall[] = [];
  return {
    calls,
    doBeforeRequest(addr, request) {
      calls.push({ kind: "before", addr, request });
      extra.doBeforeRequest?.(addr, request);
    },
    doAfterResponse(addr, request, response) {
      calls.push({ kind: "after", addr, request, response });
      extra.doAfterResponse?.(addr, request, response);
    },
  };
}

// Server hooks run before the processor and after it with its response
// (null when it returns null); a hook may add extFields the processor sees; a hook that throws
// yields SYSTEM_ERROR, one that throws RemotingAbortProcessError yields its code and remark, and
// the processor does not run.
describe("server RPC hooks", () => {
  test("before and after run once per request, with the response and the peer's address", async () => {
    const hook = recordingHook();
    let processorSawAddr = "";
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, (ctx, req) => {
        processorSawAddr = ctx.remoteAddress;
        return echo(ctx, req);
      });
      s.registerProcessor(NULL, () => null);
      s.registerRPCHook(hook);
      s.registerRPCHook(hook); // registering the same hook twice is a no-op
    });
    const client = h.client({ scanIntervalMs: 20 });
    const response = await client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { a: "1" } }), 2000);
    expect(hook.calls.map((c) => c.kind)).toEqual(["before", "after"]);
    expect(hook.calls[0]!.addr).toBe(processorSawAddr);
    expect(hook.calls[1]!.addr).toBe(processorSawAddr);
    expect(hook.calls[0]!.request.extFields).toEqual({ a: "1" });
    expect(hook.calls[1]!.response!.remark).toBe(response.remark);
    hook.calls.length = 0;
    await rejectionOf(client.invokeSync(addrOf(server), createRequest(NULL), 100));
    expect(hook.calls.map((c) => c.kind)).toEqual(["before", "after"]);
    expect(hook.calls[1]!.response).toBeNull();
  });

  test("hooks run in registration order, and a before-hook's extFields reach the processor", async () => {
    const order: string[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.registerRPCHook({
        doBeforeRequest: (_a, req) => {
          order.push("first");
          req.extFields = { ...req.extFields, zone: "z1" };
        },
        doAfterResponse: () => order.push("first after"),
      });
      s.registerRPCHook({ doBeforeRequest: () => order.push("second"), doAfterResponse: () => order.push("second after") });
    });
    const response = await h.client().invokeSync(addrOf(server), createRequest(ECHO, { extFields: { k: "v" } }), 2000);
    expect(response.extFields).toEqual({ k: "v", zone: "z1" });
    expect(order).toEqual(["first", "second", "first after", "second after"]);
  });

  for (const type of ["JSON", "ROCKETMQ"] as const) {
    test(`${type}: a before-hook that throws -> SYSTEM_ERROR naming the error; the processor does not run`, async () => {
      let processed = 0;
      const server = await h.server({}, (s) => {
        s.registerProcessor(ECHO, (ctx, req) => (processed++, echo(ctx, req)));
        s.registerRPCHook({
          doBeforeRequest: () => {
            throw new Error("hook refused");
          },
          doAfterResponse: () => {},
        });
      });
      const response = await h.client().invokeSync(addrOf(server), createRequest(ECHO, { serializeType: type }), 2000);
      expect(response.code).toBe(1);
      expect(response.remark).toContain("hook refused");
      expect(processed).toBe(0);
    });

    test(`${type}: a hook throwing RemotingAbortProcessError answers its code and remark; the processor does not run`, async () => {
      let processed = 0;
      const server = await h.server({}, (s) => {
        s.registerProcessor(ECHO, (ctx, req) => (processed++, echo(ctx, req)));
        s.registerRPCHook({
          doBeforeRequest: (_a, req) => {
            if (req.extFields?.AccessKey !== "good") throw new RemotingAbortProcessError(ResponseCode.NO_PERMISSION, "no permission for this request");
          },
          doAfterResponse: () => {},
        });
      });
      const client = h.client();
      const refused = await client.invokeSync(addrOf(server), createRequest(ECHO, { serializeType: type }), 2000);
      expect(refused.code).toBe(16);
      expect(refused.remark).toBe("no permission for this request");
      expect(processed).toBe(0);
      const allowed = await client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { AccessKey: "good" }, serializeType: type }), 2000);
      expect(allowed.code).toBe(0);
      expect(processed).toBe(1);
    });
  }

  test("an after-hook that throws turns the answer into SYSTEM_ERROR (or its abort code)", async () => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(1, () => createResponse(0, "fine"));
      s.registerProcessor(2, () => createResponse(0, "fine"));
      s.registerRPCHook({
        doBeforeRequest: () => {},
        doAfterResponse: (_a, req) => {
          if (req.code === 1) throw new Error("after hook broke");
          throw new RemotingAbortProcessError(215, "flow control by hook");
        },
      });
    });
    const client = h.client();
    const broken = await client.invokeSync(addrOf(server), createRequest(1), 2000);
    expect(broken.code).toBe(1);
    expect(broken.remark).toContain("after hook broke");
    const aborted = await client.invokeSync(addrOf(server), createRequest(2), 2000);
    expect(aborted.code).toBe(215);
    expect(aborted.remark).toBe("flow control by hook");
  });
});

// 5.2.0+: client hooks: before-hooks run for every call that is sent (with the channel's
// remote address), after-hooks only when a response arrived: never for failures or oneway calls.
describe("client RPC hooks", () => {
  test("sync and async: before once, after once with the response", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, echo));
    const client = h.client();
    const hook = recordingHook();
    client.registerRPCHook(hook);
    const addr = addrOf(server);
    const sync = await client.invokeSync(addr, createRequest(ECHO, { extFields: { n: "sync" } }), 2000);
    const { response: asyncResponse } = await asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO, { extFields: { n: "async" } }), 2000, cb)).done;
    expect(hook.calls.map((c) => `${c.kind} ${c.request.extFields!.n}`)).toEqual(["before sync", "after sync", "before async", "after async"]);
    for (const c of hook.calls) expect(c.addr).toBe(addr);
    expect(hook.calls[1]!.response).toBe(sync);
    expect(hook.calls[3]!.response).toBe(asyncResponse!);
  });

  test("a before-hook can sign the request: the server sees the added extFields", async () => {
    const seen = deferred<Record<string, string> | null>();
    const server = await h.server({}, (s) =>
      s.registerProcessor(ECHO, (ctx, req) => {
        seen.resolve(req.extFields);
        return echo(ctx, req);
      }),
    );
    const client = h.client();
    client.registerRPCHook({
      doBeforeRequest: (_a, req) => {
        req.extFields = { ...req.extFields, AccessKey: "ak", Signature: `sig(${req.extFields?.topic})` };
      },
      doAfterResponse: () => {},
    });
    await client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { topic: "T" }, serializeType: "ROCKETMQ" }), 2000);
    expect(await seen.promise).toEqual({ topic: "T", AccessKey: "ak", Signature: "sig(T)" });
  });

  test("no after-hook for timeouts, closed connections, connect failures or oneway calls", async () => {
    const parked: RemotingChannel[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.registerProcessor(NEVER, (ctx) => (parked.push(ctx.channel), null));
    });
    const client = h.client({ scanIntervalMs: 20 });
    const hook = recordingHook();
    client.registerRPCHook(hook);
    const addr = addrOf(server);
    expect(await rejectionOf(client.invokeSync(addr, createRequest(NEVER, { extFields: { n: "timeout" } }), 80))).toBeInstanceOf(RemotingTimeoutError);
    const closing = rejectionOf(client.invokeSync(addr, createRequest(NEVER, { extFields: { n: "closed" } }), 5000));
    await waitFor(() => parked.length === 2, "the second parked request");
    parked[1]!.close();
    expect(await closing).toBeInstanceOf(RemotingSendRequestError);
    expect(await rejectionOf(client.invokeSync(`127.0.0.1:${await unusedPort()}`, createRequest(ECHO, { extFields: { n: "refused" } }), 2000))).toBeInstanceOf(
      RemotingConnectError,
    );
    await client.invokeOneway(addr, createRequest(ECHO, { extFields: { n: "oneway" } }), 2000);
    await sleep(30);
    expect(hook.calls.filter((c) => c.kind === "after")).toEqual([]);
    const befores = hook.calls.map((c) => c.request.extFields!.n);
    expect(befores).toContain("timeout");
    expect(befores).toContain("closed");
    expect(befores).toContain("oneway");
  });

  test("a client before-hook that throws fails the call with a RemotingError and sends nothing", async () => {
    let processed = 0;
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, (ctx, req) => (processed++, echo(ctx, req))));
    const client = h.client();
    client.registerRPCHook({
      doBeforeRequest: () => {
        throw new Error("client hook refused");
      },
      doAfterResponse: () => {},
    });
    const error = await rejectionOf(client.invokeSync(addrOf(server), createRequest(ECHO), 2000));
    expect(error).toBeInstanceOf(RemotingError);
    expect(error.message).toContain("client hook refused");
    client.clearRPCHook();
    expect((await client.invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(0);
    expect(processed).toBe(1);
  });
});

function recordingListener(): ChannelEventListener & { events: { type: string; addr: string; channel: RemotingChannel; error?: Error }[] } {
  const events: { type: string; addr: string; channel: RemotingChannel; error?: Error }[] = [];
  const on = (type: string) => (addr: string, channel: RemotingChannel, error?: Error) => events.push({ type, addr, channel, error });
  return {
    events,
    onChannelConnect: on("CONNECT"),
    onChannelActive: on("ACTIVE"),
    onChannelClose: on("CLOSE"),
    onChannelIdle: on("IDLE"),
    onChannelException: on("EXCEPTION"),
  };
}

const types = (l: { events: { type: string }[] }) => l.events.map((e) => e.type);

// Channel events. Server: CONNECT on accept, CLOSE; client: CONNECT and ACTIVE, CLOSE;
// EXCEPTION (then close) for a peer that breaks the protocol; delivered off the I/O path.
describe("channel events", () => {
  test("server: CONNECT then CLOSE, for the channel processors see", async () => {
    const serverEvents = recordingListener();
    const catcher = channelCatcher();
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, catcher.processor);
      s.setChannelEventListener(serverEvents);
    });
    const client = h.client();
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    client.closeChannel(addrOf(server));
    await waitFor(() => types(serverEvents).includes("CLOSE"), "server CLOSE");
    expect(types(serverEvents)).toEqual(["CONNECT", "CLOSE"]);
    const ch = await catcher.channel;
    for (const e of serverEvents.events) {
      expect(e.channel).toBe(ch);
      expect(e.addr).toBe(ch.remoteAddress);
    }
    expect(ch.isActive).toBe(false);
  });

  test("client: CONNECT, ACTIVE, then CLOSE when the server goes away", async () => {
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, echo));
    const client = h.client();
    const clientEvents = recordingListener();
    client.setChannelEventListener(clientEvents);
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    await waitFor(() => clientEvents.events.length >= 2, "client CONNECT/ACTIVE");
    await server.shutdown();
    await waitFor(() => types(clientEvents).includes("CLOSE"), "client CLOSE");
    expect(types(clientEvents)).toEqual(["CONNECT", "ACTIVE", "CLOSE"]);
    for (const e of clientEvents.events) expect(e.addr).toBe(addrOf(server));
    expect(new Set(clientEvents.events.map((e) => e.channel)).size).toBe(1);
  });

  test("a peer sending garbage: EXCEPTION and CLOSE for that connection only; other clients keep working", async () => {
    const serverEvents = recordingListener();
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.setChannelEventListener(serverEvents);
    });
    const good = h.client();
    await good.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    await waitFor(() => serverEvents.events.length === 1, "the good client's CONNECT");
    const goodChannel = serverEvents.events[0]!.channel;
    const raw = await h.rawClient(server.port);
    await raw.send(new Uint8Array([0, 0, 0, 20, 7, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
    await within(raw.closed.promise, 2000, "the garbage peer's connection to close");
    await waitFor(() => types(serverEvents).filter((t) => t === "CLOSE").length === 1, "server CLOSE");
    const exception = serverEvents.events.find((e) => e.type === "EXCEPTION")!;
    expect(exception).toBeDefined();
    expect(exception.error).toBeInstanceOf(Error);
    expect(exception.channel).not.toBe(goodChannel);
    expect(serverEvents.events.find((e) => e.type === "CLOSE")!.channel).toBe(exception.channel);
    expect(goodChannel.isActive).toBe(true);
    expect((await good.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { still: "ok" } }), 2000)).extFields).toEqual({ still: "ok" });
  });

  test("events are delivered asynchronously, never inside the call that caused them", async () => {
    const server = await h.server({}, (s) =>
      s.registerProcessor(ECHO, (ctx, req) => {
        if (req.extFields?.close === "yes") {
          insideProcessor = true;
          ctx.channel.close();
          insideProcessor = false;
          return null;
        }
        return echo(ctx, req);
      }),
    );
    let insideProcessor = false;
    let serverCloseSawInside = null as boolean | null;
    server.setChannelEventListener({ onChannelClose: () => (serverCloseSawInside = insideProcessor) });
    const client = h.client();
    let insideCloseChannel = false;
    let clientCloseSawInside = null as boolean | null;
    client.setChannelEventListener({ onChannelClose: () => (clientCloseSawInside = insideCloseChannel) });
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    insideCloseChannel = true;
    client.closeChannel(addrOf(server));
    insideCloseChannel = false;
    await waitFor(() => clientCloseSawInside !== null, "client CLOSE");
    expect(clientCloseSawInside).toBe(false);
    await rejectionOf(client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { close: "yes" } }), 2000));
    await waitFor(() => serverCloseSawInside !== null, "server CLOSE");
    expect(serverCloseSawInside).toBe(false);
  });

  test("a listener that throws does not break the endpoint", async () => {
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.setChannelEventListener({
        onChannelConnect: () => {
          throw new Error("listener bug");
        },
      });
    });
    const client = h.client();
    client.setChannelEventListener({
      onChannelActive: () => {
        throw new Error("client listener bug");
      },
    });
    for (let i = 0; i < 3; i++) expect((await client.invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(0);
  });
});

// serverChannelMaxIdleTimeSeconds: a connection with no traffic in either direction
// for channelMaxIdleMs is closed with an IDLE event; 0 disables the check.
describe("idle connections", () => {
  test("server: an idle connection is closed after channelMaxIdleMs with IDLE and CLOSE; the client reconnects", async () => {
    const serverEvents = recordingListener();
    const server = await h.server({ channelMaxIdleMs: 100, scanIntervalMs: 20 }, (s) => {
      s.registerProcessor(ECHO, echo);
      s.setChannelEventListener(serverEvents);
    });
    const client = h.client();
    const clientEvents = recordingListener();
    client.setChannelEventListener(clientEvents);
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    const lastTraffic = performance.now();
    await waitFor(() => types(serverEvents).includes("CLOSE"), "the idle close", 2000);
    const closedAfter = performance.now() - lastTraffic;
    expect(closedAfter).toBeGreaterThanOrEqual(95);
    expect(closedAfter).toBeLessThan(700);
    expect(types(serverEvents)).toEqual(["CONNECT", "IDLE", "CLOSE"]);
    await waitFor(() => types(clientEvents).includes("CLOSE"), "the client to see the close");
    expect((await client.invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(0);
    await waitFor(() => types(serverEvents).filter((t) => t === "CONNECT").length === 2, "a new connection");
  });

  test("client: an idle connection is closed by the client with IDLE", async () => {
    const serverEvents = recordingListener();
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.setChannelEventListener(serverEvents);
    });
    const client = h.client({ channelMaxIdleMs: 100, scanIntervalMs: 20 });
    const clientEvents = recordingListener();
    client.setChannelEventListener(clientEvents);
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    await waitFor(() => types(clientEvents).includes("CLOSE"), "the client's idle close", 2000);
    expect(types(clientEvents)).toEqual(["CONNECT", "ACTIVE", "IDLE", "CLOSE"]);
    await waitFor(() => types(serverEvents).includes("CLOSE"), "the server to see it");
  });

  test("connections with traffic are not idle, and channelMaxIdleMs 0 disables the check", async () => {
    for (const maxIdle of [100, 0]) {
      const serverEvents = recordingListener();
      const server = await h.server({ channelMaxIdleMs: maxIdle, scanIntervalMs: 20 }, (s) => {
        s.registerProcessor(ECHO, echo);
        s.setChannelEventListener(serverEvents);
      });
      const client = h.client({ channelMaxIdleMs: maxIdle, scanIntervalMs: 20 });
      const end = performance.now() + 350;
      while (performance.now() < end) {
        await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
        await sleep(maxIdle === 0 ? 120 : 30); // with the check off, even long pauses are fine
      }
      if (maxIdle === 0) await sleep(200);
      expect(types(serverEvents)).toEqual(["CONNECT"]);
    }
  });

  test("a connection on which only the server writes is not idle (traffic in either direction counts)", async () => {
    const catcher = channelCatcher();
    const serverEvents = recordingListener();
    const server = await h.server({ channelMaxIdleMs: 150, scanIntervalMs: 20 }, (s) => {
      s.registerProcessor(ECHO, catcher.processor);
      s.setChannelEventListener(serverEvents);
    });
    const client = h.client();
    let received = 0;
    client.registerProcessor(CLIENT_CODE, () => (received++, null));
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    const ch = await catcher.channel;
    // The server pushes a oneway request every 30 ms for 500 ms; the client never sends anything.
    const end = performance.now() + 500;
    while (performance.now() < end && ch.isActive) {
      await server.invokeOneway(ch, createRequest(CLIENT_CODE), 1000).catch(() => {});
      await sleep(30);
    }
    expect(types(serverEvents)).toEqual(["CONNECT"]);
    expect(ch.isActive).toBe(true);
    expect(received).toBeGreaterThan(5);
  });
});
