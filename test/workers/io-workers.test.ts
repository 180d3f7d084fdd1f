import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingServer,
  RemotingWorkerError,
  silentLogger,
  type Logger,
  type RemotingClient,
  type RemotingServerOptions,
} from "../../src/index.ts";
import { runFixture } from "../helpers/child-process.ts";
import { HOST, rejectionOf, useHarness } from "../helpers/harness.ts";

const SETUP = new URL("../fixtures/io-worker-setup.ts", import.meta.url);

const h = useHarness();

async function ioServer(options: RemotingServerOptions = {}): Promise<RemotingServer> {
  const server = h.newServer({ ioWorkers: 2, ioWorkerModule: SETUP, ...options });
  await server.start();
  return server;
}

const call = (client: RemotingClient, server: RemotingServer, code: number) => client.invokeSync(`${HOST}:${server.port}`, createRequest(code), 3000);

describe("I/O workers", () => {
  test("connections spread over the workers; each serves with its setup's processors and hooks", async () => {
    const server = await ioServer();
    expect(server.port).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const response = await call(h.client(), server, 1);
      expect(response.remark).toMatch(/^worker [01] of 2$/);
      expect(response.extFields?.io).toBe(response.remark!.split(" ")[1]!); // the worker's own hook ran
      seen.add(response.remark!);
    }
    expect(seen).toEqual(new Set(["worker 0 of 2", "worker 1 of 2"]));
  });

  test("one connection lives on one worker, so its requests keep their order", async () => {
    const server = await ioServer();
    const client = h.client();
    const order: number[] = [];
    const remarks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(client, server, 1).then((r) => {
          order.push(i);
          return r.remark;
        }),
      ),
    );
    expect(new Set(remarks).size).toBe(1);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Number((await call(client, server, 4)).remark)).toBeGreaterThanOrEqual(1); // its channel listener saw it connect
  });

  test("inside a worker: server -> client calls on the connection, and worker groups", async () => {
    const server = await ioServer();
    const client = h.client();
    client.registerProcessor(40, () => createResponse(0, "client ok"));
    expect((await call(client, server, 5)).remark).toBe("client ok");
    const echoed = await client.invokeSync(`${HOST}:${server.port}`, createRequest(3, { body: new Uint8Array([1, 2, 3]) }), 3000);
    expect(echoed.code).toBe(0);
    expect([...echoed.body!]).toEqual([1, 2, 3]);
  });

  test("the workers' log lines reach the server's logger", async () => {
    const lines: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message) => lines.push(message) };
    const server = await ioServer({ logger });
    await call(h.client(), server, 1);
    expect(lines.sort()).toEqual(["io-worker 0: set up worker 0", "io-worker 1: set up worker 1"]);
  });

  test("a crashed worker is replaced on the same port; its connections are lost", async () => {
    const server = await ioServer({ ioWorkers: 1 });
    const client = h.client();
    expect((await call(client, server, 1)).remark).toBe("worker 0 of 1");
    const error = await rejectionOf(call(client, server, 2));
    expect(error.name).toBe("RemotingSendRequestError");
    // The replacement takes new connections on the same port.
    let answered = false;
    for (let attempt = 0; attempt < 100 && !answered; attempt++) {
      answered = await call(h.client(), server, 1).then(
        (r) => r.remark === "worker 0 of 1",
        () => false,
      );
      if (!answered) await Bun.sleep(20);
    }
    expect(answered).toBe(true);
  });

  test("the main server takes no processors, hooks or listeners of its own", async () => {
    const server = h.newServer({ ioWorkers: 2, ioWorkerModule: SETUP });
    expect(() => server.registerProcessor(1, () => null)).toThrow("register in the setup(server) of its ioWorkerModule");
    expect(() => server.registerDefaultProcessor(() => null)).toThrow(TypeError);
    expect(() => server.registerRPCHook({ doBeforeRequest() {}, doAfterResponse() {} })).toThrow(TypeError);
    expect(() => server.setChannelEventListener({})).toThrow(TypeError);
    expect(() => new RemotingServer({ ioWorkers: 2 })).toThrow(`option "ioWorkers" (2) needs option "ioWorkerModule"`);
    expect(() => new RemotingServer({ ioWorkers: -1, ioWorkerModule: SETUP })).toThrow(`option "ioWorkers" must be an integer from 0`);
  });

  test("a setup that fails makes start() reject with the worker's error", async () => {
    const server = h.newServer({ ioWorkers: 2, ioWorkerModule: new URL("../fixtures/io-worker-broken-setup.ts", import.meta.url) });
    const error = await rejectionOf(server.start());
    expect(error).toBeInstanceOf(RemotingWorkerError);
    expect(error.message).toContain("setup refuses");
    const relative = h.newServer({ ioWorkers: 1, ioWorkerModule: "./setup.ts" });
    expect((await rejectionOf(relative.start())).message).toContain("must be a URL or an absolute path");
  });

  test("a process that shut its I/O worker server down exits by itself", async () => {
    const run = await runFixture(new URL("../fixtures/exit-after-io-workers.ts", import.meta.url));
    expect({ killed: run.killed, code: run.code, stderr: run.stderr.slice(0, 500) }).toEqual({ killed: false, code: 0, stderr: "" });
    expect(run.stdout.trim()).toBe("done");
  }, 15_000);
});
