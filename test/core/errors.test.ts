import { describe, expect, test } from "bun:test";
import {
  createRequest,
  RemotingAbortProcessError,
  RemotingClient,
  RemotingError,
  RemotingServer,
} from "../../src/index.ts";
import { addrOf, echo, useHarness, channelCatcher } from "../helpers/harness.ts";

const ECHO = 10;

const h = useHarness();

/** Expects `run` to throw (or return a promise that rejects) a TypeError whose message mentions `mention`. */
async function expectTypeError(run: () => unknown, mention: string): Promise<void> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TypeError);
  expect((error as Error).message).toContain(mention);
}

// Every error is a RemotingError with a stable
// machine-readable code; messages follow Java's.
describe("errors raised by real failures are typed", () => {

  test("RemotingAbortProcessError carries its response code", () => {
    const error = new RemotingAbortProcessError(16, "no permission");
    expect(error).toBeInstanceOf(RemotingError);
    expect(error.code).toBe("ERR_REMOTING_ABORT_PROCESS");
    expect(error.responseCode).toBe(16);
    expect(error.message).toBe("no permission");
  });
});

// Programming errors (bad options, bad arguments) throw TypeErrors that name the culprit.
describe("bad options", () => {
  const serverCases: [object, string][] = [
    [{ port: -1 }, "port"],
    [{ port: 65536 }, "port"],
    [{ port: 1.5 }, "port"],
    [{ host: "" }, "host"],
    [{ prot: 9876 }, "prot"],
    [{ maxFrameLength: 10 }, "maxFrameLength"],
    [{ scanIntervalMs: 0 }, "scanIntervalMs"],
    [{ channelMaxIdleMs: -1 }, "channelMaxIdleMs"],
    [{ maxInFlightRequests: 0 }, "maxInFlightRequests"],
    [{ serializeType: "XML" }, "serializeType"],
    [{ logger: {} }, "logger"],
    [{ writeBufferHighWaterMark: 100, writeBufferLowWaterMark: 200 }, "writeBufferLowWaterMark"],
    [{ shutdownTimeoutMs: Number.NaN }, "shutdownTimeoutMs"],
  ];
  for (const [options, name] of serverCases) {
    test(`new RemotingServer(${JSON.stringify(options) ?? String(options)}) is a TypeError naming "${name}"`, async () => {
      await expectTypeError(() => new RemotingServer(options as never), name);
    });
  }

  const clientCases: [object, string][] = [
    [{ connectTimeoutMs: 0 }, "connectTimeoutMs"],
    [{ asyncSemaphoreValue: 0 }, "asyncSemaphoreValue"],
    [{ onewaySemaphoreValue: -5 }, "onewaySemaphoreValue"],
    [{ closeSocketIfTimeout: "yes" }, "closeSocketIfTimeout"],
    [{ tls: "on" }, "tls"],
    [{ port: 9876 }, "port"], // a server option is unknown to a client
    [{ connectTimoutMs: 100 }, "connectTimoutMs"],
  ];
  for (const [options, name] of clientCases) {
    test(`new RemotingClient(${JSON.stringify(options)}) is a TypeError naming "${name}"`, async () => {
      await expectTypeError(() => new RemotingClient(options as never), name);
    });
  }

  test("valid options are accepted", () => {
    expect(() => new RemotingServer({ port: 0, host: "127.0.0.1", channelMaxIdleMs: 0, maxQueuedRequests: 0 })).not.toThrow();
    expect(() => new RemotingClient({ connectTimeoutMs: 1, closeSocketIfTimeout: false, tls: null })).not.toThrow();
  });
});

describe("bad invoke arguments", () => {
  for (const timeout of [-1, Number.NaN, Number.POSITIVE_INFINITY, "100"]) {
    test(`timeout ${String(timeout)} is a TypeError for every client invoke`, async () => {
      const server = await h.server({}, (s) => s.registerProcessor(ECHO, echo));
      const client = h.client();
      const addr = addrOf(server);
      const t = timeout as number;
      await expectTypeError(() => client.invokeSync(addr, createRequest(ECHO), t), "timeout");
      await expectTypeError(() => client.invokeAsync(addr, createRequest(ECHO), t, () => {}), "timeout");
      await expectTypeError(() => client.invokeOneway(addr, createRequest(ECHO), t), "timeout");
      // Nothing was sent, and the client still works.
      expect((await client.invokeSync(addr, createRequest(ECHO), 1000)).code).toBe(0);
    });
  }

  test("the server's invokes check their arguments too", async () => {
    const catcher = channelCatcher();
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, catcher.processor));
    await h.client().invokeSync(addrOf(server), createRequest(ECHO), 1000);
    const ch = await catcher.channel;
    await expectTypeError(() => server.invokeSync(ch, createRequest(ECHO), -5), "timeout");
    await expectTypeError(() => server.invokeAsync(ch, createRequest(ECHO), Number.NaN, () => {}), "timeout");
    await expectTypeError(() => server.invokeOneway(ch, createRequest(ECHO), -1), "timeout");
    await expectTypeError(() => server.invokeAsync(ch, createRequest(ECHO), 100, undefined as never), "callback");
  });

  test("a missing request or callback is a TypeError", async () => {
    const client = h.client();
    await expectTypeError(() => client.invokeSync("127.0.0.1:1", null as never, 100), "request");
    await expectTypeError(() => client.invokeAsync("127.0.0.1:1", createRequest(ECHO), 100, "cb" as never), "callback");
    let calledBack = 0;
    await expectTypeError(() => client.invokeAsync("127.0.0.1:1", {} as never, 100, () => calledBack++), "request");
    expect(calledBack).toBe(0); // thrown, not called back
  });

  test("registering something that is not a processor, executor or hook is a TypeError", () => {
    const server = h.newServer();
    expect(() => server.registerProcessor(1, 42 as never)).toThrow(TypeError);
    expect(() => server.registerProcessor(1, {} as never)).toThrow(TypeError);
    expect(() => server.registerProcessor(1.5, echo)).toThrow(TypeError);
    expect(() => server.registerProcessor(1, echo, {} as never)).toThrow(TypeError);
    expect(() => server.registerRPCHook({ doBeforeRequest() {} } as never)).toThrow(TypeError);
  });
});
