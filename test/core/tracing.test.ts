import { afterEach, describe, expect, test } from "bun:test";
import { AsyncLocalStorage } from "node:async_hooks";
import dc from "node:diagnostics_channel";
import {
  createRequest,
  createResponse,
  TracingChannels,
  type InvokeTraceContext,
  type ProcessTraceContext,
  type RemotingCommand,
  type RequestExecutor,
} from "../../src/index.ts";
import { addrOf, unusedPort, echo, useHarness, HOST, rejectionOf, sleep } from "../helpers/harness.ts";

const ECHO = 10;
const ASYNC = 11;
const THROW = 12;

const h = useHarness();
let unsubscribe: (() => void)[] = [];
afterEach(() => {
  for (const u of unsubscribe) u();
  unsubscribe = [];
});

type Event<C> = { event: string; ctx: C };

/** Subscribes to every event of a tracing channel; unsubscribed after the test. */
function record<C extends object>(name: string): Event<C>[] {
  const events: Event<C>[] = [];
  const channel = dc.tracingChannel<C>(name);
  const handlers = Object.fromEntries(
    (["start", "end", "asyncStart", "asyncEnd", "error"] as const).map((event) => [event, (ctx: C) => events.push({ event, ctx: { ...ctx } })]),
  ) as Parameters<typeof channel.subscribe>[0];
  channel.subscribe(handlers);
  unsubscribe.push(() => channel.unsubscribe(handlers));
  return events;
}

async function echoPair() {
  const server = await h.server({}, (s) => {
    s.registerProcessor(ECHO, echo);
    s.registerProcessor(ASYNC, async (_ctx, request) => {
      await sleep(1);
      return createResponse(0, `async ${request.code}`);
    });
    s.registerProcessor(THROW, () => {
      throw new Error("boom");
    });
  });
  return { server, client: h.client(), addr: addrOf(server) };
}

describe("diagnostics_channel tracing", () => {
  test("channel names are exported and are Node's TracingChannel names", () => {
    expect(TracingChannels).toEqual({ invoke: "bun-remoting:invoke", process: "bun-remoting:process" });
  });

  test("invoke: start, end, asyncStart, asyncEnd share one context; the response is ctx.result", async () => {
    const { client, addr } = await echoPair();
    const events = record<InvokeTraceContext>(TracingChannels.invoke);
    const request = createRequest(ECHO, { extFields: { k: "v" } });
    const response = await client.invokeSync(addr, request, 3000);
    expect(events.map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    const [start, , asyncStart] = events;
    expect(start!.ctx).toMatchObject({ role: "client", addr, oneway: false, timeoutMs: 3000 });
    expect(start!.ctx.request).toBe(request);
    expect(asyncStart!.ctx.result).toBe(response);
    expect(asyncStart!.ctx.error).toBeUndefined();
  });

  test("invoke: a failed call publishes error with ctx.error before asyncStart", async () => {
    const client = h.client();
    const events = record<InvokeTraceContext>(TracingChannels.invoke);
    const error = await rejectionOf(client.invokeSync(`${HOST}:${await unusedPort()}`, createRequest(ECHO), 1000));
    expect(events.map((e) => e.event)).toEqual(["start", "end", "error", "asyncStart", "asyncEnd"]);
    expect(events[2]!.ctx.error).toBe(error);
  });

  test("invoke: the caller's callback runs between asyncStart and asyncEnd", async () => {
    const { client, addr } = await echoPair();
    const order: string[] = [];
    const channel = dc.tracingChannel<InvokeTraceContext>(TracingChannels.invoke);
    const handlers = { asyncStart: () => order.push("asyncStart"), asyncEnd: () => order.push("asyncEnd") };
    channel.subscribe(handlers as never);
    unsubscribe.push(() => channel.unsubscribe(handlers as never));
    await new Promise<void>((resolve) =>
      client.invokeAsync(addr, createRequest(ECHO), 3000, () => {
        order.push("callback");
        resolve();
      }),
    );
    expect(order).toEqual(["asyncStart", "callback", "asyncEnd"]);
  });

  test("process: a sync processor gives start and end (ctx.result = its response); an async one asyncStart/asyncEnd too", async () => {
    const { client, addr } = await echoPair();
    const events = record<ProcessTraceContext>(TracingChannels.process);
    await client.invokeSync(addr, createRequest(ECHO), 3000);
    expect(events.map((e) => e.event)).toEqual(["start", "end"]);
    expect(events[0]!.ctx).toMatchObject({ role: "server" });
    expect(events[0]!.ctx.request.code).toBe(ECHO);
    expect(events[0]!.ctx.remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((events[1]!.ctx.result as RemotingCommand).remark).toMatch(/^Hi /);

    events.length = 0;
    await client.invokeSync(addr, createRequest(ASYNC), 3000);
    expect(events.map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect((events[2]!.ctx.result as RemotingCommand).remark).toBe("async 11");

    events.length = 0;
    await client.invokeSync(addr, createRequest(THROW), 3000);
    expect(events.map((e) => e.event)).toEqual(["start", "error", "end"]);
    expect((events[1]!.ctx.error as Error).message).toBe("boom");
  });

  test("process: an AsyncLocalStorage bound to start is the processor's store, across its awaits", async () => {
    const als = new AsyncLocalStorage<{ code: number }>();
    const start = dc.tracingChannel<ProcessTraceContext, { code: number }>(TracingChannels.process).start;
    start.bindStore(als, (ctx) => ({ code: ctx.request.code }));
    unsubscribe.push(() => start.unbindStore(als));
    const seen: (number | undefined)[] = [];
    const server = await h.server({}, (s) =>
      s.registerProcessor(ASYNC, async () => {
        seen.push(als.getStore()?.code);
        await sleep(1);
        seen.push(als.getStore()?.code);
        return createResponse(0, null);
      }),
    );
    await h.client().invokeSync(addrOf(server), createRequest(ASYNC), 3000);
    expect(seen).toEqual([ASYNC, ASYNC]);
  });

  test("nothing is published once unsubscribed, and calls work the same", async () => {
    const { client, addr } = await echoPair();
    const events = record<InvokeTraceContext>(TracingChannels.invoke);
    for (const u of unsubscribe) u();
    unsubscribe = [];
    await client.invokeSync(addr, createRequest(ECHO), 3000);
    expect(events).toEqual([]);
  });

  test("process: an executor that runs processors elsewhere (begin, then complete) is traced too", async () => {
    const events = record<ProcessTraceContext>(TracingChannels.process);
    const elsewhere: RequestExecutor = {
      execute(task) {
        if (task.begin()) setTimeout(() => task.complete(createResponse(0, "from elsewhere")), 1);
        return true;
      },
      idle: () => Promise.resolve(),
    };
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, echo, elsewhere));
    const response = await h.client().invokeSync(addrOf(server), createRequest(ECHO), 3000);
    expect(response.remark).toBe("from elsewhere");
    expect(events.map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect((events[2]!.ctx.result as RemotingCommand).remark).toBe("from elsewhere");
  });
});
