import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";
import {
  createRequest,
  createResponse,
  OVERLOAD_REMARK,
  RemotingAbortProcessError,
  RemotingSysResponseCode,
  RemotingTimeoutError,
  RemotingWorkerError,
  silentLogger,
  WorkerExecutorGroup,
  type RemotingChannel,
  type RemotingCommand,
  type RemotingServer,
  type RPCHook,
  type WorkerExecutorGroupOptions,
} from "../../src/index.ts";
import { runFixture } from "../helpers/child-process.ts";
import { addrOf, asyncCall, deferred, rejectionOf, useHarness, waitFor, within } from "../helpers/harness.ts";
import { Random } from "../helpers/random.ts";

const MODULE = new URL("../fixtures/worker-processors.ts", import.meta.url);
const { SUCCESS, SYSTEM_ERROR, SYSTEM_BUSY } = RemotingSysResponseCode;

const h = useHarness();

/** Whether this thread may lower its niceness below `own` (tried, then put back). */
function canLowerNiceness(own: number): boolean {
  try {
    setPriority(own - 1);
    setPriority(own);
    return true;
  } catch {
    return false;
  }
}

function newGroup(options: Partial<WorkerExecutorGroupOptions> = {}): WorkerExecutorGroup {
  const group = new WorkerExecutorGroup({ module: MODULE, logger: silentLogger, shutdownTimeoutMs: 500, ...options });
  h.defer(() => group.shutdown());
  return group;
}

/** A started server routing each code to the named processor of `group`. */
function serve(group: WorkerExecutorGroup, routes: Record<number, string>, setup?: (server: RemotingServer) => void): Promise<RemotingServer> {
  return h.server({}, (server) => {
    for (const [code, name] of Object.entries(routes)) server.registerProcessor(Number(code), name, group);
    setup?.(server);
  });
}

function bytes(length: number, seed: number): Uint8Array {
  const random = new Random(seed);
  return Uint8Array.from({ length }, () => random.int(0, 255));
}

describe("requests and responses", () => {
  test("header fields and body cross both ways intact; records larger than a slot are transferred", async () => {
    const group = newGroup({ slotBytes: 1024 });
    const server = await serve(group, { 1: "echo", 2: "slowEcho", 3: "objectEcho" });
    const client = h.client();
    for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
      for (const size of [0, 1, 900, 1024, 5000, 300_000]) {
        for (const code of [1, 2, 3]) {
          const body = size === 0 ? null : bytes(size, size + code);
          const extFields = { topic: "TopicTest", ü: "wörker ✓", n: String(size) };
          const response = await client.invokeSync(addrOf(server), createRequest(code, { extFields, body, serializeType, remark: "r" }), 5000);
          expect(response.code).toBe(SUCCESS);
          expect(response.remark).toMatch(/^0 127\.0\.0\.1:\d+$/); // worker 0, the client's address
          expect(response.extFields).toEqual(extFields);
          expect(response.serializeType).toBe(serializeType);
          if (body === null) expect(response.body).toBeNull();
          else expect(Buffer.from(response.body!).equals(Buffer.from(body))).toBe(true);
        }
      }
    }
  });

  test("a large request body arrives whole, and a large response body leaves whole", async () => {
    const group = newGroup();
    const server = await serve(group, { 1: "checksum", 2: "sized" });
    const client = h.client();
    const body = bytes(2 * 1024 * 1024, 7);
    let sum = 0;
    for (const b of body) sum = (sum + b) % 1_000_000_007;
    const checked = await client.invokeSync(addrOf(server), createRequest(1, { body }), 5000);
    expect(checked.remark).toBe(`${body.length}:${sum}`);
    const sized = await client.invokeSync(addrOf(server), createRequest(2, { extFields: { size: String(3 * 1024 * 1024) } }), 5000);
    expect(sized.body!.length).toBe(3 * 1024 * 1024);
    expect(sized.body!.every((b) => b === 7)).toBe(true);
  });

  test("null means no response: the caller times out, the after-hook sees null", async () => {
    const group = newGroup();
    const after = deferred<RemotingCommand | null>();
    const server = await serve(group, { 1: "none", 2: "echo" }, (s) =>
      s.registerRPCHook({ doBeforeRequest() {}, doAfterResponse: (_addr, request, response) => request.code === 1 && after.resolve(response) }),
    );
    const client = h.client();
    const call = asyncCall((cb) => client.invokeAsync(addrOf(server), createRequest(1), 300, cb));
    expect(await within(after.promise, 3000, "after-hook")).toBeNull();
    expect((await call.done).error?.name).toBe("RemotingTimeoutError");
    expect((await client.invokeSync(addrOf(server), createRequest(2), 3000)).code).toBe(SUCCESS);
  });

  test("a processor that throws is answered SYSTEM_ERROR with its error's message; undefined is no answer, a number an error", async () => {
    const group = newGroup();
    const routes = { 1: "throws", 2: "rejects", 3: "returnsUndefined", 4: "returnsNumber", 6: "aborts" };
    const server = await serve(group, routes);
    const client = h.client();
    const answer = (code: number, timeoutMs = 3000) => client.invokeSync(addrOf(server), createRequest(code, { extFields: { what: "#7" } }), timeoutMs);
    const thrown = await answer(1);
    expect(thrown.code).toBe(SYSTEM_ERROR);
    expect(thrown.remark).toStartWith("RangeError: bad request #7, throws (");
    expect(thrown.remark).toContain("worker-processors.ts"); // the frame in the worker's module
    expect(await answer(2)).toMatchObject({ code: SYSTEM_ERROR, remark: expect.stringContaining("Error: async failure") });
    expect(await rejectionOf(answer(3, 200))).toBeInstanceOf(RemotingTimeoutError); // as on the I/O thread: no answer
    expect((await answer(4)).remark).toContain(`processor "returnsNumber" returned a number (42); expected a RemotingCommand, null or undefined`);
    // RemotingAbortProcessError keeps its response code, as inline.
    expect(await answer(6)).toMatchObject({ code: 16, remark: "no permission" });
    expect(group.stats.restarts).toBe(0); // none of that hurts the worker
    expect(server.stats.inFlight).toBe(0);
  });

  test("a processor name the module does not export: the server's start() and ready() with that name reject naming it, the group itself is fine; once loaded, registering one throws", async () => {
    const group = newGroup();
    const server = h.newServer();
    server.registerProcessor(1, "echo", group);
    server.registerProcessor(2, "missing", group);
    server.registerProcessor(3, "notAProcessor", group);
    const error = await rejectionOf(server.start());
    expect(error).toBeInstanceOf(RemotingWorkerError);
    expect(error.message).toContain(`exports no processor named "missing", "notAProcessor"`);
    expect((await rejectionOf(group.ready(["echo", "missing", "notAProcessor"]))).message).toBe(error.message);
    await group.ready(); // what the module exports, it serves
    const loaded = newGroup();
    await loaded.ready();
    expect(() => h.newServer().registerProcessor(1, "missing", loaded)).toThrow(TypeError);
    expect(() => h.newServer().registerProcessor(1, "missing", loaded)).toThrow(`exports no processor named "missing"`);
  });

  test("RPC hooks run on the I/O thread, before and after the worker", async () => {
    const group = newGroup();
    const seen: string[] = [];
    const hook: RPCHook = {
      doBeforeRequest(_addr, request) {
        if (request.extFields?.deny === "yes") throw new RemotingAbortProcessError(17, "denied by hook");
        request.extFields = { ...request.extFields, hooked: "yes" };
        seen.push(`before ${request.code}`);
      },
      doAfterResponse(_addr, request, response) {
        seen.push(`after ${request.code} ${response?.code} ${response?.extFields?.hooked}`);
      },
    };
    const server = await serve(group, { 1: "echo", 2: "crash" }, (s) => s.registerRPCHook(hook));
    const client = h.client();
    const echoed = await client.invokeSync(addrOf(server), createRequest(1, { extFields: { a: "1" } }), 3000);
    expect(echoed.extFields).toEqual({ a: "1", hooked: "yes" }); // the before-hook's change reached the worker
    expect(seen).toEqual(["before 1", "after 1 0 yes"]);
    // A request the before-hook refuses never reaches a worker: this one would have crashed it.
    const denied = await client.invokeSync(addrOf(server), createRequest(2, { extFields: { deny: "yes" } }), 3000);
    expect(denied).toMatchObject({ code: 17, remark: "denied by hook" });
    expect(group.stats.restarts).toBe(0);
  });

  test("several groups coexist, and one group serves several codes", async () => {
    const one = newGroup({ name: "one" });
    const two = newGroup({ name: "two", size: 2 });
    const server = await h.server({}, (s) => {
      s.registerProcessor(1, "echo", one);
      s.registerProcessor(2, "objectEcho", one);
      s.registerProcessor(3, "slowEcho", two);
    });
    const client = h.client();
    const codes = await Promise.all([1, 2, 3, 1, 2, 3].map((code) => client.invokeSync(addrOf(server), createRequest(code), 3000).then((r) => r.code)));
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
    await one.shutdown();
    expect(await client.invokeSync(addrOf(server), createRequest(1), 3000)).toMatchObject({ code: SYSTEM_BUSY, remark: OVERLOAD_REMARK });
    expect((await client.invokeSync(addrOf(server), createRequest(3), 3000)).code).toBe(SUCCESS);
  });

  test("requests spread over the workers of a group", async () => {
    const group = newGroup({ size: 2 });
    await group.ready();
    const server = await serve(group, { 1: "slowEcho" });
    const client = h.client();
    const remarks = await Promise.all(
      Array.from({ length: 4 }, () => client.invokeSync(addrOf(server), createRequest(1, { extFields: { ms: "50" } }), 3000).then((r) => r.remark!.split(" ")[0])),
    );
    expect(new Set(remarks)).toEqual(new Set(["0", "1"]));
  });

  test("a client's processors can run in a group: server -> client calls", async () => {
    const group = newGroup();
    let channel: RemotingChannel | null = null;
    const server = await h.server({}, (s) =>
      s.registerProcessor(1, (ctx) => {
        channel = ctx.channel;
        return createResponse(0);
      }),
    );
    const client = h.client();
    client.registerProcessor(40, "echo", group);
    await client.invokeSync(addrOf(server), createRequest(1), 3000);
    const back = await server.invokeSync(channel!, createRequest(40, { extFields: { from: "server" } }), 3000);
    expect(back.code).toBe(SUCCESS);
    expect(back.extFields).toEqual({ from: "server" });
  });

  test("an answer does not wait for the long request queued after it in the same worker", async () => {
    const group = newGroup({ size: 1 });
    await group.ready();
    const server = await serve(group, { 1: "echo", 2: "burn" });
    const client = h.client();
    await client.invokeSync(addrOf(server), createRequest(1), 3000); // connected, echo has run once
    for (let round = 0; round < 2; round++) {
      // Both land in the worker's mailbox together; the burn holds the thread for 300 ms.
      const quick = asyncCall((cb) => client.invokeAsync(addrOf(server), createRequest(1), 5000, cb));
      const slow = asyncCall((cb) => client.invokeAsync(addrOf(server), createRequest(2, { extFields: { us: "300000" } }), 5000, cb));
      const [q, s] = await Promise.all([quick.done, slow.done]);
      expect([q.response?.code, s.response?.code]).toEqual([SUCCESS, SUCCESS]);
      expect(s.at - q.at).toBeGreaterThan(150);
    }
  });

  test.if(process.platform === "linux")("worker threads run at the group's niceness, the I/O thread at its own", async () => {
    const niceOf = (tid: string): number => Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);
    const own = niceOf(String(process.pid)); // the test process may itself run niced
    const group = newGroup({ name: "nice-test", size: 2, niceness: 7 });
    await group.ready();
    const threads = readdirSync("/proc/self/task").map((tid) => ({ name: readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim(), nice: niceOf(tid) }));
    // Making a thread less nice than its process needs privilege (root has it): without it the
    // workers keep the process's niceness.
    const mayLower = own <= 7 || canLowerNiceness(own);
    const expected = mayLower ? 7 : own;
    expect(threads.filter((t) => t.name.startsWith("nice-test-"))).toEqual([
      { name: "nice-test-0", nice: expected },
      { name: "nice-test-1", nice: expected },
    ]);
    expect(niceOf(String(process.pid))).toBe(own);
  });

  test("a function or object processor given with a group is refused at registration: only names reach workers", () => {
    const group = newGroup();
    const server = h.newServer();
    expect(() => server.registerProcessor(1, () => createResponse(0), group)).toThrow(TypeError);
    expect(() => server.registerProcessor(1, { processRequest: () => null }, group)).toThrow("pass that name (a string), not a object");
    expect(() => server.registerDefaultProcessor(() => null, group)).toThrow("registerDefaultProcessor: this executor runs processors by the name");
  });
});

describe("bounds", () => {
  test("past queueCapacity the caller is answered SYSTEM_BUSY [OVERLOAD] at once", async () => {
    const group = newGroup({ size: 1, maxInFlightPerWorker: 1, queueCapacity: 2 });
    await group.ready();
    const server = await serve(group, { 1: "slowEcho" });
    const client = h.client();
    await client.invokeSync(addrOf(server), createRequest(1, { extFields: { ms: "0" } }), 3000); // connected
    const calls = Array.from({ length: 8 }, () => asyncCall((cb) => client.invokeAsync(addrOf(server), createRequest(1, { extFields: { ms: "150" } }), 5000, cb)));
    const results = await Promise.all(calls.map((c) => c.done));
    const busy = results.filter((r) => r.response?.code === SYSTEM_BUSY);
    const served = results.filter((r) => r.response?.code === SUCCESS);
    expect(served.length).toBe(3); // one in the worker, two in the queue
    expect(busy.length).toBe(5);
    for (const r of busy) expect(r.response!.remark).toBe(OVERLOAD_REMARK);
    // Refused at once: every refusal came before the first request was served.
    expect(Math.max(...busy.map((r) => r.at))).toBeLessThan(Math.min(...served.map((r) => r.at)));
    expect(group.stats).toMatchObject({ inFlight: 0, queued: 0 });
  });

  test("queued requests are served once the worker has room, in order", async () => {
    const group = newGroup({ size: 1, maxInFlightPerWorker: 1, queueCapacity: 100 });
    const server = await serve(group, { 1: "slowEcho" }); // not awaiting ready(): early requests queue
    const client = h.client();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.invokeSync(addrOf(server), createRequest(1, { extFields: { ms: "1", i: String(i) } }), 5000).then((r) => order.push(Number(r.extFields!.i))),
      ),
    );
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe("failures", () => {
  for (const [name, expected] of [
    ["crash", "exited (exit code 7)"],
    ["crashLater", "uncaught in worker"],
  ] as const) {
    test(`a worker that dies in the middle of traffic (${name}) is replaced; what it held is answered SYSTEM_ERROR`, async () => {
      const group = newGroup({ size: 2, maxInFlightPerWorker: 4 });
      await group.ready();
      const server = await serve(group, { 1: "echo", 2: name });
      const client = h.client();
      const addr = addrOf(server);
      const codes: number[] = [];
      const failures: string[] = [];
      let stop = false;
      const loop = async (): Promise<void> => {
        while (!stop) {
          const r = await client.invokeSync(addr, createRequest(1), 5000); // a timeout would throw: nothing may hang
          codes.push(r.code);
          if (r.code !== SUCCESS) failures.push(r.remark ?? "");
        }
      };
      const loops = Array.from({ length: 6 }, loop);
      await waitFor(() => codes.length >= 200, "traffic before the crash");
      const killer = await client.invokeSync(addr, createRequest(2), 5000);
      expect(killer.code).toBe(SYSTEM_ERROR);
      expect(killer.remark).toContain(expected);
      const after = codes.length;
      await waitFor(() => codes.length >= after + 200 && group.stats.readyWorkers === 2, "traffic after the replacement");
      stop = true;
      await Promise.all(loops);
      expect(group.stats.restarts).toBe(1);
      for (const remark of failures) expect(remark).toContain(expected); // only the dead worker's requests failed
      expect(codes.filter((c) => c === SUCCESS).length).toBeGreaterThanOrEqual(codes.length - 4);
    });
  }

  for (const name of ["hang", "never"]) {
    test(`a worker holding a request past taskTimeoutMs (${name}) is replaced; its requests are answered SYSTEM_ERROR`, async () => {
      const group = newGroup({ size: 1, maxInFlightPerWorker: 4, taskTimeoutMs: 300 });
      await group.ready();
      const server = await serve(group, { 1: name, 2: "slowEcho" });
      const client = h.client();
      const addr = addrOf(server);
      const started = performance.now();
      const stuck = client.invokeSync(addr, createRequest(1), 10_000);
      const behind = client.invokeSync(addr, createRequest(2, { extFields: { ms: "10" } }), 10_000); // same worker
      const [a, b] = await Promise.all([stuck, behind]);
      const elapsed = performance.now() - started;
      expect(a.code).toBe(SYSTEM_ERROR);
      expect(a.remark).toContain("held a request for more than taskTimeoutMs (300 ms)");
      if (name === "hang") expect(b.remark).toBe(a.remark); // queued behind the busy loop: lost with the worker
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect((await client.invokeSync(addr, createRequest(2), 5000)).code).toBe(SUCCESS); // the replacement serves
      expect(group.stats.restarts).toBe(1);
    });
  }

  test("a module that cannot be loaded: ready() and start() reject; requests are answered SYSTEM_ERROR", async () => {
    const group = newGroup({ module: new URL("../fixtures/worker-broken-module.ts", import.meta.url), size: 2 });
    const error = await rejectionOf(group.ready());
    expect(error).toBeInstanceOf(RemotingWorkerError);
    expect(error.message).toContain("this module refuses to load");
    const server = h.newServer();
    server.registerProcessor(1, "echo", group);
    expect((await rejectionOf(server.start())).message).toContain("this module refuses to load");
    // A server that registered it before anyone looked still answers, with the reason.
    const running = await h.server();
    running.registerProcessor(1, "echo", group);
    const response = await h.client().invokeSync(addrOf(running), createRequest(1), 3000);
    expect(response.code).toBe(SYSTEM_ERROR);
    expect(response.remark).toContain("cannot run module");
    expect(response.remark).toContain("this module refuses to load");
    expect(group.stats.restarts).toBe(0); // no restart loop
  });

  test("bad options are refused by name", () => {
    const make = (options: object) => () => new WorkerExecutorGroup(options as WorkerExecutorGroupOptions);
    expect(make({})).toThrow(`option "module" is required`);
    expect(make({ module: "./relative.ts" })).toThrow(`must be a URL or an absolute path`);
    expect(make({ module: "/nonexistent/processors.ts" })).toThrow("no such file");
    expect(make({ module: MODULE, size: 0 })).toThrow(`option "size" must be an integer from 1`);
    expect(make({ module: MODULE, slotBytes: 1 << 20 })).toThrow(`option "slotBytes"`);
    expect(make({ module: MODULE, slotBytes: 65536, maxInFlightPerWorker: 4096 })).toThrow(`shared memory`);
    expect(make({ module: MODULE, queueSize: 3 })).toThrow(`unknown option "queueSize"`);
  });
});

describe("shutdown", () => {
  test("shutdown() lets accepted requests finish, refuses new ones, then ends every worker", async () => {
    const group = newGroup({ size: 2 });
    await group.ready();
    const server = await serve(group, { 1: "slowEcho" });
    const client = h.client();
    const addr = addrOf(server);
    await client.invokeSync(addr, createRequest(1, { extFields: { ms: "0" } }), 3000);
    const inFlight = client.invokeSync(addr, createRequest(1, { extFields: { ms: "150" } }), 3000);
    await waitFor(() => group.stats.inFlight === 1, "the request to reach a worker");
    const stopping = group.shutdown();
    expect(group.shutdown()).toBe(stopping); // idempotent
    expect(await client.invokeSync(addr, createRequest(1), 3000)).toMatchObject({ code: SYSTEM_BUSY, remark: OVERLOAD_REMARK });
    expect((await inFlight).code).toBe(SUCCESS);
    await within(stopping, 3000, "shutdown");
    expect(group.stats).toEqual({ readyWorkers: 0, inFlight: 0, queued: 0, restarts: 0 });
  });

  test("what is still held at the deadline is answered SYSTEM_ERROR", async () => {
    const group = newGroup({ size: 1, maxInFlightPerWorker: 1 });
    await group.ready();
    const server = await serve(group, { 1: "never" });
    const client = h.client();
    const held = client.invokeSync(addrOf(server), createRequest(1), 5000);
    const queued = client.invokeSync(addrOf(server), createRequest(1), 5000);
    await waitFor(() => group.stats.queued === 1, "one request held, one queued");
    await within(group.shutdown(100), 3000, "shutdown");
    for (const response of await Promise.all([held, queued])) {
      expect(response.code).toBe(SYSTEM_ERROR);
      expect(response.remark).toContain("shut down before the request was answered");
    }
  });

  test("a server's shutdown waits for its requests in a group", async () => {
    const group = newGroup();
    await group.ready();
    const server = await h.server({ shutdownTimeoutMs: 3000 }, (s) => s.registerProcessor(1, "slowEcho", group));
    const client = h.client();
    await client.invokeSync(addrOf(server), createRequest(1, { extFields: { ms: "0" } }), 3000);
    const pending = client.invokeSync(addrOf(server), createRequest(1, { extFields: { ms: "150" } }), 3000);
    await waitFor(() => group.stats.inFlight === 1, "the request to reach a worker");
    const stopped = server.shutdown();
    expect((await pending).code).toBe(SUCCESS);
    await stopped;
  });

  test("a process that shut its group down exits by itself", async () => {
    const run = await runFixture(new URL("../fixtures/exit-after-worker-shutdown.ts", import.meta.url));
    expect({ killed: run.killed, code: run.code, stderr: run.stderr.slice(0, 500) }).toEqual({ killed: false, code: 0, stderr: "" });
    expect(run.stdout.trim()).toBe("done");
  }, 15_000);
});
