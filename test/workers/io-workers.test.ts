import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingWorkerError,
  silentLogger,
  startIoWorkers,
  type IoWorkers,
  type IoWorkersOptions,
  type Logger,
  type RemotingClient,
} from "../../src/index.ts";
import { runFixture } from "../helpers/child-process.ts";
import { HOST, rejectionOf, useHarness } from "../helpers/harness.ts";

const SETUP = new URL("../fixtures/io-worker-setup.ts", import.meta.url);

const h = useHarness();

async function ioServer(options: Partial<IoWorkersOptions> = {}): Promise<IoWorkers> {
  const workers = await startIoWorkers({ host: HOST, port: 0, workers: 2, module: SETUP, logger: silentLogger, shutdownTimeoutMs: 200, ...options });
  h.defer(() => workers.shutdown());
  return workers;
}

const call = (client: RemotingClient, server: IoWorkers, code: number) => client.invokeSync(`${HOST}:${server.port}`, createRequest(code), 3000);

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
    const server = await ioServer({ workers: 1 });
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

  test("stats are the workers' servers' stats, summed", async () => {
    const server = await ioServer();
    const clients = Array.from({ length: 6 }, () => h.client());
    for (const client of clients) await call(client, server, 1);
    const stats = await server.stats();
    expect(stats.connections).toBe(6);
    expect(stats.served.byCode["1"]!.requests).toBe(6);
    expect(stats.served.byCode["1"]!.latencyMs!.count).toBe(6);
  });

  test("options are checked before any thread starts: a TypeError names the option", async () => {
    await expect(startIoWorkers({ workers: 0, module: SETUP })).rejects.toThrow(`startIoWorkers: option "workers" must be an integer from 1 to 256, got 0`);
    await expect(startIoWorkers({ workers: 2, module: 7 as never })).rejects.toThrow(`option "module" must be a URL or a path string`);
    await expect(startIoWorkers({ workers: 2, module: SETUP, maxConnections: -1 })).rejects.toThrow(`option "maxConnections" must be an integer from 1`);
    await expect(startIoWorkers({ workers: 2, module: SETUP, ...({ unix: "/tmp/x.sock" } as object) })).rejects.toThrow(`option "unix" cannot be used`);
  });

  test("a setup that fails makes startIoWorkers reject with the worker's error", async () => {
    const error = await rejectionOf(startIoWorkers({ host: HOST, port: 0, workers: 2, module: new URL("../fixtures/io-worker-broken-setup.ts", import.meta.url), logger: silentLogger }));
    expect(error).toBeInstanceOf(RemotingWorkerError);
    expect(error.message).toContain("setup refuses");
    expect((await rejectionOf(startIoWorkers({ workers: 1, module: "./setup.ts" }))).message).toContain("must be a URL or an absolute path");
  });

  test("a process that shut its I/O worker server down exits by itself", async () => {
    const run = await runFixture(new URL("../fixtures/exit-after-io-workers.ts", import.meta.url));
    expect({ killed: run.killed, code: run.code, stderr: run.stderr.slice(0, 500) }).toEqual({ killed: false, code: 0, stderr: "" });
    expect(run.stdout.trim()).toBe("done");
  }, 15_000);
});
