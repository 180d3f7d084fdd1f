import assert from "node:assert/strict";
import type { ProcessorContext, RemotingCommand } from "../../src/surface.ts";
import { deferred, rejectionOf, sleep, waitFor } from "../helpers/promises.ts";
import { unusedPort } from "../helpers/unused-port.ts";
import { group } from "./scenario.ts";

const TYPES = ["JSON", "ROCKETMQ"] as const;
const ECHO = 10;
const SLOW = 11;
const UNKNOWN = 4321;
const THROWS_LATER = 21;
const REJECTS = 22;
const THROWS_STRING = 23;

// The processor is chosen by code, then the default processor; refusals and
// failures come back as Java's system response codes with Java's remarks.
export const dispatch = group("dispatch and response codes", (scenario) => {
  for (const type of TYPES) {
    scenario(`${type}: the registered processor answers with the request's extFields and body, remark "Hi <addr>"`, async (h) => {
      const { createRequest } = h.lib;
      const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
      const body = new Uint8Array([0, 1, 2, 3, 250, 255]);
      const response = await h.client().invokeSync(h.addrOf(server), createRequest(ECHO, { extFields: { count: "1", messageTitle: "Welcome" }, body, serializeType: type }), 3000);
      assert.equal(response.code, 0);
      assert.equal(response.language, "JAVA");
      assert.deepEqual(response.extFields, { count: "1", messageTitle: "Welcome" });
      assert.deepEqual(Array.from(response.body!), Array.from(body));
      assert.equal(response.serializeType, type);
      assert.match(response.remark!, /^Hi 127\.0\.0\.1:\d+$/);
      assert.equal(response.flag & 1, 1);
    });

    scenario(`${type}: no processor -> REQUEST_CODE_NOT_SUPPORTED (3) with Java's remark`, async (h) => {
      const { createRequest, RemotingSysResponseCode } = h.lib;
      const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
      const client = h.client();
      for (const code of [UNKNOWN, 0, 32767]) {
        const response = await client.invokeSync(h.addrOf(server), createRequest(code, { serializeType: type }), 3000);
        assert.equal(response.code, RemotingSysResponseCode.REQUEST_CODE_NOT_SUPPORTED);
        assert.equal(response.code, 3);
        assert.equal(response.remark, ` request type ${code} not supported`);
      }
    });

    scenario(`${type}: a throwing or rejecting processor -> SYSTEM_ERROR (1) naming the error; RemotingAbortProcessError -> its own code`, async (h) => {
      const { createRequest, RemotingAbortProcessError } = h.lib;
      const server = await h.server({}, (s) => {
        s.registerProcessor(ECHO, () => {
          throw new Error("disk on fire");
        });
        s.registerProcessor(SLOW, async () => {
          throw new RemotingAbortProcessError(16, "no permission");
        });
        s.registerProcessor(THROWS_LATER, async () => {
          await sleep(5);
          throw new RangeError("boom-async");
        });
        s.registerProcessor(REJECTS, () => Promise.reject(new TypeError("boom-rejected")));
        s.registerProcessor(THROWS_STRING, () => {
          throw "a plain string";
        });
      });
      const client = h.client();
      const failures: [number, string][] = [
        [ECHO, "Error: disk on fire"],
        [THROWS_LATER, "RangeError: boom-async"],
        [REJECTS, "TypeError: boom-rejected"],
        [THROWS_STRING, "a plain string"],
      ];
      for (const [code, text] of failures) {
        const failed = await client.invokeSync(h.addrOf(server), createRequest(code, { serializeType: type }), 3000);
        assert.equal(failed.code, 1);
        assert.ok(failed.remark!.includes(text), `${failed.remark} names ${text}`);
      }
      const aborted = await client.invokeSync(h.addrOf(server), createRequest(SLOW, { serializeType: type }), 3000);
      assert.equal(aborted.code, 16);
      assert.match(aborted.remark!, /no permission/);
      // The connection survived both.
      server.registerProcessor(UNKNOWN, h.echo);
      assert.equal((await client.invokeSync(h.addrOf(server), createRequest(UNKNOWN), 3000)).code, 0);
    });
  }

  scenario("a synchronous processor runs in an executor slot: stats.inFlight counts it while it runs, and gives it back after", async (h) => {
    const { createRequest, createResponse } = h.lib;
    const inFlightSeen: number[] = [];
    const server = await h.server({ maxInFlightRequests: 1 }, (s) => s.registerProcessor(ECHO, () => (inFlightSeen.push(server.stats.inFlight), createResponse(0, "ok"))));
    const client = h.client();
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.invokeSync(h.addrOf(server), createRequest(ECHO), 3000)));
    assert.deepEqual(answers.map((a) => a.code), Array(20).fill(0));
    assert.deepEqual(inFlightSeen, Array(20).fill(1), "each ran holding the one slot");
    assert.equal(server.stats.inFlight, 0);
  });

  scenario("an EventLoopExecutor subclass's execute() sees every request of its processors", async (h) => {
    const { createRequest, EventLoopExecutor } = h.lib;
    let executed = 0;
    class Counting extends EventLoopExecutor {
      override execute(task: Parameters<InstanceType<typeof EventLoopExecutor>["execute"]>[0]): boolean {
        executed++;
        return super.execute(task);
      }
    }
    const counting = new Counting({ maxInFlight: 8, maxQueued: 8 });
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo, counting));
    const client = h.client();
    for (let i = 0; i < 5; i++) assert.equal((await client.invokeSync(h.addrOf(server), createRequest(ECHO), 3000)).code, 0);
    assert.equal(executed, 5);
  });

  scenario("the default processor takes unregistered codes; a code's own processor wins", async (h) => {
    const { createRequest, createResponse } = h.lib;
    const seen: number[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, () => createResponse(0, "specific"));
      s.registerDefaultProcessor((_ctx, req) => {
        seen.push(req.code);
        return createResponse(0, `default ${req.code}`);
      });
    });
    const client = h.client();
    assert.equal((await client.invokeSync(h.addrOf(server), createRequest(ECHO), 3000)).remark, "specific");
    assert.equal((await client.invokeSync(h.addrOf(server), createRequest(UNKNOWN), 3000)).remark, `default ${UNKNOWN}`);
    assert.equal((await client.invokeSync(h.addrOf(server), createRequest(7), 3000)).remark, "default 7");
    assert.deepEqual(seen, [UNKNOWN, 7]);
  });

  for (const type of TYPES) {
    scenario(`${type}: rejectRequest() true -> SYSTEM_BUSY (2) with [REJECTREQUEST], the processor does not run`, async (h) => {
      const { createRequest, REJECT_REQUEST_REMARK } = h.lib;
      assert.equal(REJECT_REQUEST_REMARK, "[REJECTREQUEST]system busy, start flow control for a while");
      let reject = true;
      let processed = 0;
      const server = await h.server({}, (s) =>
        s.registerProcessor(ECHO, {
          rejectRequest: () => reject,
          processRequest: (ctx, req) => (processed++, h.echo(ctx, req)),
        }),
      );
      const client = h.client();
      const busy = await client.invokeSync(h.addrOf(server), createRequest(ECHO, { serializeType: type }), 3000);
      assert.equal(busy.code, 2);
      assert.equal(busy.remark, REJECT_REQUEST_REMARK);
      assert.equal(processed, 0);
      reject = false;
      assert.equal((await client.invokeSync(h.addrOf(server), createRequest(ECHO, { serializeType: type }), 3000)).code, 0);
      assert.equal(processed, 1);
    });

    scenario(`${type}: a full executor (1 in flight, no queue) -> SYSTEM_BUSY (2) with [OVERLOAD]; the slot is free again afterwards`, async (h) => {
      const { createRequest, createResponse, OVERLOAD_REMARK } = h.lib;
      assert.equal(OVERLOAD_REMARK, "[OVERLOAD]system busy, start flow control for a while");
      const release = deferred();
      let started = 0;
      const server = await h.server({ maxInFlightRequests: 1, maxQueuedRequests: 0 }, (s) =>
        s.registerProcessor(SLOW, async () => {
          started++;
          await release.promise;
          return createResponse(0, "slow done");
        }),
      );
      const client = h.client();
      const first = client.invokeSync(h.addrOf(server), createRequest(SLOW, { serializeType: type }), 5000);
      await waitFor(() => started === 1, "the first request to take the only slot");
      const busy = await client.invokeSync(h.addrOf(server), createRequest(SLOW, { serializeType: type }), 3000);
      assert.equal(busy.code, 2);
      assert.equal(busy.remark, OVERLOAD_REMARK);
      assert.equal(started, 1);
      release.resolve();
      assert.equal((await first).remark, "slow done");
      assert.equal((await client.invokeSync(h.addrOf(server), createRequest(SLOW, { serializeType: type }), 3000)).remark, "slow done");
    });

    scenario(`${type}: a processor returning null answers nothing; ctx.writeResponse answers later, in any order, with the request's opaque`, async (h) => {
      const { createRequest, createResponse } = h.lib;
      const parked: { ctx: ProcessorContext; req: RemotingCommand }[] = [];
      const server = await h.server({}, (s) => s.registerProcessor(SLOW, (ctx, req) => (parked.push({ ctx, req }), null)));
      const client = h.client();
      const calls = ["a", "b", "c"].map((n) => client.invokeSync(h.addrOf(server), createRequest(SLOW, { extFields: { n }, serializeType: type }), 3000));
      await waitFor(() => parked.length === 3, "3 parked requests");
      // Answered in reverse order, each response carrying a wrong opaque that writeResponse replaces.
      for (const { ctx, req } of [...parked].reverse()) {
        const response = createResponse(0, `later ${req.extFields!.n}`, { serializeType: type });
        response.opaque = 987654;
        ctx.writeResponse(req, response);
      }
      const answers = await Promise.all(calls);
      assert.deepEqual(answers.map((r) => r.remark), ["later a", "later b", "later c"]);
      const opaqueOf = new Map(parked.map((p) => [p.req.extFields!.n!, p.req.opaque]));
      assert.deepEqual(answers.map((r) => r.opaque), ["a", "b", "c"].map((n) => opaqueOf.get(n)));
    });
  }

  for (const type of TYPES) {
    scenario(`${type}, raw peer: responses carry the request's opaque and the response flag; oneway requests get none`, async (h) => {
      const { createRequest } = h.lib;
      const server = await h.server({}, (s) => {
        s.registerProcessor(ECHO, h.echo);
        s.registerProcessor(SLOW, () => {
          throw new Error("boom");
        });
      });
      const raw = await h.rawClient(server.port);
      const opaques = [7, -1, 2147483647, 0, -2147483648];
      // All in one write: the server splits the frames itself.
      await raw.send(Buffer.concat(opaques.map((opaque) => h.lib.encodeFrame(createRequest(ECHO, { opaque, serializeType: type, extFields: { o: String(opaque) } })))));
      // Oneway requests of every outcome (success, unknown code, throw) are never answered...
      for (const code of [ECHO, UNKNOWN, SLOW]) await raw.sendFrame(Object.assign(createRequest(code, { opaque: 99, serializeType: type }), { flag: 2 }));
      // ...as this last answer, arriving right after the first five, shows.
      await raw.sendFrame(createRequest(ECHO, { opaque: 100, serializeType: type }));
      const frames = await raw.waitForFrames(6);
      // Answers leave in order: one more request's answer comes next, with nothing in between.
      await raw.sendFrame(createRequest(ECHO, { opaque: 101, serializeType: type }));
      await raw.waitForFrames(7);
      assert.deepEqual(raw.frames.map((f) => f.opaque), [...opaques, 100, 101]);
      assert.deepEqual(frames.slice(0, 6).map((f) => f.opaque), [...opaques, 100]);
      for (const f of frames) assert.equal(f.flag & 3, 1);
      assert.deepEqual(frames.slice(0, 5).map((f) => f.extFields?.o), opaques.map(String));
    });
  }

  scenario("errors are typed: connect, timeout, too many requests, send request, command; each with its stable code", async (h) => {
    const lib = h.lib;
    const { createRequest } = lib;
    const parked: { close(): void }[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(SLOW, (ctx) => (parked.push(ctx.channel), null));
    });
    const client = h.client({ asyncSemaphoreValue: 2, scanIntervalMs: 20 });
    const addr = h.addrOf(server);
    const dead = `127.0.0.1:${await unusedPort()}`;
    const connect = await rejectionOf(client.invokeSync(dead, createRequest(ECHO), 1000));
    const timeout = await rejectionOf(client.invokeSync(addr, createRequest(SLOW), 50));
    const holdA = rejectionOf(client.invokeSync(addr, createRequest(SLOW), 5000));
    const holdB = rejectionOf(client.invokeSync(addr, createRequest(SLOW), 5000));
    const tooMuch = await rejectionOf(client.invokeSync(addr, createRequest(ECHO), 1000));
    await waitFor(() => parked.length >= 3, "the parked requests");
    parked[parked.length - 1]!.close();
    const sendRequest = await holdA;
    await holdB;
    let command: unknown;
    try {
      lib.decodeFrame(new Uint8Array([0, 0, 0, 6, 2, 0, 0, 2, 0x7b, 0x7d]));
    } catch (e) {
      command = e;
    }
    const expected = [
      [connect, lib.RemotingConnectError, "ERR_REMOTING_CONNECT"],
      [timeout, lib.RemotingTimeoutError, "ERR_REMOTING_TIMEOUT"],
      [tooMuch, lib.RemotingTooMuchRequestError, "ERR_REMOTING_TOO_MUCH_REQUEST"],
      [sendRequest, lib.RemotingSendRequestError, "ERR_REMOTING_SEND_REQUEST"],
      [command, lib.RemotingCommandError, "ERR_REMOTING_COMMAND"],
    ] as const;
    for (const [error, cls, code] of expected) {
      assert.ok(error instanceof cls, `${String(error)} is a ${cls.name}`);
      assert.ok(error instanceof lib.RemotingError);
      assert.equal(error.code, code);
      assert.equal(error.name, cls.name);
    }
    assert.equal((connect as Error).message, `connect to ${dead} failed`);
    assert.equal((timeout as Error).message, `wait response on the channel ${addr} timeout, 50(ms)`);
    assert.ok((sendRequest as Error).message.startsWith(`send request to ${addr} failed`), (sendRequest as Error).message);
  });
});
