import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  encodeFrame,
  EventLoopExecutor,
  OVERLOAD_REMARK,
  RemotingSysResponseCode,
  RemotingTimeoutError,
  type ProcessorContext,
  type RemotingCommand,
} from "../../src/index.ts";
import { addrOf, deferred, echo, useHarness, rejectionOf, sleep } from "../helpers/harness.ts";

const TYPES = ["JSON", "ROCKETMQ"] as const;
const ECHO = 10;
const SLOW = 11;
const UNKNOWN = 4321;

const h = useHarness();
// See also test/scenarios/dispatch.ts (the same core on Bun sockets, node:net and Node).

// The processor is chosen by request code, then the default processor;
// with neither, code 3 with remark " request type N not supported".
describe("processor lookup", () => {
  test("a processor object's processRequest is called with the processor as `this`", async () => {
    const processor = {
      prefix: "obj",
      processRequest(this: { prefix: string }, _ctx: ProcessorContext, req: RemotingCommand) {
        return createResponse(0, `${this.prefix}:${req.code}`);
      },
    };
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, processor));
    const response = await h.client().invokeSync(addrOf(server), createRequest(ECHO), 3000);
    expect(response.remark).toBe(`obj:${ECHO}`);
  });

  for (const type of TYPES) {
    test(`${type} request: error answers built by the server in its own header type decode fine`, async () => {
      for (const serverType of TYPES) {
        const server = await h.server({ serializeType: serverType });
        const client = h.client();
        const response = await client.invokeSync(addrOf(server), createRequest(UNKNOWN, { serializeType: type }), 3000);
        expect(response.code).toBe(3);
        expect(response.remark).toBe(` request type ${UNKNOWN} not supported`);
        // The server's default header type, not the request's: the client decodes by the type byte.
        expect(response.serializeType).toBe(serverType);
        await h.cleanup();
      }
    });
  }

  test("async processors answer when their promise resolves", async () => {
    const server = await h.server({}, (s) =>
      s.registerProcessor(SLOW, async (_ctx, req) => {
        await sleep(30);
        return createResponse(0, `late ${req.extFields?.n}`);
      }),
    );
    const client = h.client();
    const responses = await Promise.all(
      [1, 2, 3].map((n) => client.invokeSync(addrOf(server), createRequest(SLOW, { extFields: { n: String(n) } }), 3000)),
    );
    expect(responses.map((r) => r.remark)).toEqual(["late 1", "late 2", "late 3"]);
  });
});

// rejectRequest() -> SYSTEM_BUSY [REJECTREQUEST]; a full executor ->
// SYSTEM_BUSY [OVERLOAD].
describe("refusals: rejectRequest and overload", () => {
  test("with maxQueuedRequests 1 the second request waits and is served; the third is OVERLOAD", async () => {
    const gates = [deferred(), deferred()];
    let started = 0;
    const server = await h.server({ maxInFlightRequests: 1, maxQueuedRequests: 1 }, (s) =>
      s.registerProcessor(SLOW, async (_ctx, req) => {
        const i = started++;
        await gates[i]!.promise;
        return createResponse(0, `done ${req.extFields!.n}`);
      }),
    );
    const client = h.client();
    const addr = addrOf(server);
    const a = client.invokeSync(addr, createRequest(SLOW, { extFields: { n: "a" } }), 3000);
    while (started === 0) await sleep(2);
    const b = client.invokeSync(addr, createRequest(SLOW, { extFields: { n: "b" } }), 3000);
    const c = await client.invokeSync(addr, createRequest(SLOW, { extFields: { n: "c" } }), 3000);
    expect(c.code).toBe(2);
    expect(c.remark).toBe(OVERLOAD_REMARK);
    expect(started).toBe(1); // b is queued, not running
    gates[0]!.resolve();
    expect((await a).remark).toBe("done a");
    gates[1]!.resolve();
    expect((await b).remark).toBe("done b");
    expect(started).toBe(2);
  });

  test("an executor given with the processor bounds only that processor", async () => {
    const gate = deferred();
    let started = 0;
    const server = await h.server({}, (s) => {
      s.registerProcessor(
        SLOW,
        async () => {
          started++;
          await gate.promise;
          return createResponse(0, "slow");
        },
        new EventLoopExecutor({ maxInFlight: 1, maxQueued: 0 }),
      );
      s.registerProcessor(ECHO, echo);
    });
    const client = h.client();
    const addr = addrOf(server);
    const first = client.invokeSync(addr, createRequest(SLOW), 3000);
    while (started === 0) await sleep(2);
    expect((await client.invokeSync(addr, createRequest(SLOW), 3000)).remark).toBe(OVERLOAD_REMARK);
    expect((await client.invokeSync(addr, createRequest(ECHO), 3000)).code).toBe(0);
    gate.resolve();
    expect((await first).remark).toBe("slow");
  });
});

// A response that cannot be sent (unencodable, or over the server's own maxFrameLength, which
// holds on send too) is replaced by SYSTEM_ERROR, so the caller is not
// left waiting and the peer never gets a frame the server itself would refuse.
describe("responses that cannot be sent", () => {
  test("an unencodable response becomes SYSTEM_ERROR saying why", async () => {
    const server = await h.server({}, (s) =>
      s.registerProcessor(ECHO, () => {
        const response = createResponse(0, "bad code");
        response.code = 2 ** 40; // changed after createResponse, which refuses it
        return response;
      }),
    );
    const response = await h.client().invokeSync(addrOf(server), createRequest(ECHO), 2000);
    expect(response.code).toBe(RemotingSysResponseCode.SYSTEM_ERROR);
    expect(response.remark).toContain("could not be encoded");
  });

  test("a response larger than the server's maxFrameLength is not sent; SYSTEM_ERROR is", async () => {
    const server = await h.server({ maxFrameLength: 1024 }, (s) => {
      s.registerProcessor(SLOW, () => createResponse(0, "too big", { body: new Uint8Array(4000) }));
      s.registerProcessor(ECHO, echo);
    });
    const raw = await h.rawClient(server.port);
    await raw.sendFrame(createRequest(SLOW, { opaque: 31 }));
    await raw.sendFrame(createRequest(ECHO, { opaque: 32 }));
    const frames = await raw.waitForFrames(2);
    expect(frames[0]!.opaque).toBe(31);
    expect(frames[0]!.code).toBe(RemotingSysResponseCode.SYSTEM_ERROR);
    expect(frames[0]!.body).toBeNull();
    expect(frames[1]!.opaque).toBe(32);
    for (const chunk of raw.chunks) expect(chunk.length).toBeLessThanOrEqual(2048);
    expect(raw.bytesReceived).toBeLessThan(2048);
  });
});

// A processor returning null writes nothing (the caller times out); one that
// answers later uses ctx.writeResponse.
describe("null responses and answers written later", () => {
  test("a processor returning null sends nothing: the client call times out", async () => {
    let calls = 0;
    const server = await h.server({}, (s) => {
      s.registerProcessor(1, () => {
        calls++;
        return null;
      });
      s.registerProcessor(2, async () => {
        calls++;
        return null;
      });
    });
    const client = h.client({ scanIntervalMs: 20 });
    for (const code of [1, 2]) {
      const error = await rejectionOf(client.invokeSync(addrOf(server), createRequest(code), 100));
      expect(error).toBeInstanceOf(RemotingTimeoutError);
    }
    expect(calls).toBe(2);
  });
});

// On the wire: a response carries its request's opaque and flag bit 0;
// a oneway request (flag bit 1) is never answered, whatever happens to it.
describe("on the wire (raw peer)", () => {
  for (const type of TYPES) {
    test(`${type}: a oneway request is never answered (unknown code, reject, overload, throw, null, success)`, async () => {
      const gate = deferred();
      const ran: string[] = [];
      const server = await h.server({}, (s) => {
        s.registerProcessor(ECHO, echo);
        s.registerProcessor(20, (ctx, req) => {
          ran.push("success");
          return echo(ctx, req);
        });
        s.registerProcessor(21, { rejectRequest: () => true, processRequest: () => (ran.push("rejected?"), null) });
        s.registerProcessor(
          22,
          async () => {
            ran.push("slow");
            await gate.promise;
            return createResponse(0, "slow");
          },
          new EventLoopExecutor({ maxInFlight: 1, maxQueued: 0 }),
        );
        s.registerProcessor(23, () => {
          ran.push("throw");
          throw new Error("oneway boom");
        });
        s.registerProcessor(24, async () => {
          ran.push("reject-promise");
          throw new Error("oneway async boom");
        });
        s.registerProcessor(25, () => {
          ran.push("null");
          return null;
        });
        s.registerProcessor(26, (ctx, req) => {
          ran.push("later");
          setTimeout(() => ctx.writeResponse(req, createResponse(0, "later")), 5);
          return null;
        });
      });
      const raw = await h.rawClient(server.port);
      const oneway = (code: number) => createRequest(code, { flag: 2, serializeType: type });
      // 22 twice: the first occupies the executor's only slot, the second is overload.
      for (const code of [UNKNOWN, 20, 21, 22, 22, 23, 24, 25, 26]) await raw.send(encodeFrame(oneway(code)));
      await sleep(20); // the "later" answer fires after 5 ms
      const probe = createRequest(ECHO, { opaque: 777, serializeType: type });
      await raw.send(encodeFrame(probe));
      const [first] = await raw.waitForFrames(1);
      // Frames are answered in order: anything for the oneway requests would have come first.
      expect(first!.opaque).toBe(777);
      expect(first!.code).toBe(0);
      await sleep(150);
      gate.resolve(); // the slow oneway finishes: still nothing
      await sleep(50);
      expect(raw.frames.length).toBe(1);
      expect(raw.isClosed).toBe(false);
      expect(ran.sort()).toEqual(["later", "null", "reject-promise", "slow", "success", "throw"]);
    });
  }
});
