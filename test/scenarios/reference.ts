import assert from "node:assert/strict";
import type { RemotingClient, RemotingServer } from "../../src/surface.ts";
import { deferred, rejectionOf } from "../helpers/promises.ts";
import { Random } from "../helpers/random.ts";
import type { Lib } from "./scenario.ts";

/**
 * A reference server and the checks a client runs against it, for pairs of processes that may run
 * different runtimes (a Node client against a Bun server and the reverse): the server side and the
 * client side only share the wire.
 */

const ECHO = 10;
const THROW = 11;
const NEVER = 12;
const CALL_BACK = 13;
const COUNT_ONEWAY = 15;
const CLOSE_ME = 16;
const CLIENT_PONG = 40;

/** Starts the reference server on 127.0.0.1 (port 0). */
export async function startReferenceServer(lib: Lib): Promise<RemotingServer> {
  const { createResponse, RemotingServer, silentLogger } = lib;
  const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger, shutdownTimeoutMs: 200 });
  let oneways = 0;
  server.registerProcessor(ECHO, (ctx, req) =>
    createResponse(0, `echo from ${ctx.remoteAddress}`, { extFields: req.extFields, body: req.body, serializeType: req.serializeType }),
  );
  server.registerProcessor(THROW, () => {
    throw new Error("reference failure");
  });
  server.registerProcessor(NEVER, () => null);
  server.registerProcessor(CALL_BACK, async (ctx, req) => {
    const answer = await server.invokeSync(ctx.channel, lib.createRequest(CLIENT_PONG, { extFields: req.extFields, serializeType: req.serializeType }), 3000);
    return createResponse(0, `client said ${answer.remark}`);
  });
  server.registerProcessor(COUNT_ONEWAY, (_ctx, req) => {
    if ((req.flag & 2) !== 0) oneways++;
    return createResponse(0, String(oneways));
  });
  server.registerProcessor(CLOSE_ME, (ctx) => {
    ctx.channel.close();
    return null;
  });
  await server.start();
  return server;
}

export interface ReferenceCheck {
  name: string;
  run(lib: Lib, client: RemotingClient, addr: string): Promise<void>;
}

/** A client for the checks: it answers the reference server's call back. */
export function referenceClient(lib: Lib): RemotingClient {
  const client = new lib.RemotingClient({ logger: lib.silentLogger, shutdownTimeoutMs: 200, scanIntervalMs: 20 });
  client.registerProcessor(CLIENT_PONG, (_ctx, req) => lib.createResponse(0, `pong ${req.extFields?.q}`));
  return client;
}

export const referenceChecks: readonly ReferenceCheck[] = [
  {
    name: "invokeSync in both header types: extFields (unicode), body and remark come back",
    async run({ createRequest }, client, addr) {
      for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
        const body = new Random(7).bytes(300);
        const response = await client.invokeSync(addr, createRequest(ECHO, { extFields: { topic: "TopicTest", 名前: "値 ✓" }, body, serializeType }), 3000);
        assert.equal(response.code, 0);
        assert.equal(response.serializeType, serializeType);
        assert.deepEqual(response.extFields, { topic: "TopicTest", 名前: "値 ✓" });
        assert.equal(Buffer.compare(response.body!, body), 0);
        assert.match(response.remark!, /^echo from 127\.0\.0\.1:\d+$/);
      }
    },
  },
  {
    name: "2000 pipelined invokeAsync calls, each answered with its own body",
    async run({ createRequest }, client, addr) {
      const N = 2000;
      const all = deferred();
      let done = 0;
      const failures: string[] = [];
      for (let i = 0; i < N; i++) {
        const body = new Random(i + 1).bytes(1 + (i % 200));
        client.invokeAsync(addr, createRequest(ECHO, { extFields: { i: String(i) }, body, serializeType: i % 2 === 0 ? "JSON" : "ROCKETMQ" }), 10_000, (error, response) => {
          if (error !== null) failures.push(`${i}: ${error.message}`);
          else if (response!.extFields?.i !== String(i) || Buffer.compare(response!.body!, body) !== 0) failures.push(`${i}: mismatched answer`);
          if (++done === N) all.resolve();
        });
      }
      await all.promise;
      assert.deepEqual(failures, []);
    },
  },
  {
    name: "invokeOneway requests arrive with the oneway flag and get no answer",
    async run({ createRequest }, client, addr) {
      const before = Number((await client.invokeSync(addr, createRequest(COUNT_ONEWAY), 3000)).remark);
      for (let i = 0; i < 5; i++) await client.invokeOneway(addr, createRequest(COUNT_ONEWAY), 3000);
      const after = Number((await client.invokeSync(addr, createRequest(COUNT_ONEWAY), 3000)).remark);
      assert.equal(after - before, 5);
    },
  },
  {
    name: "an unknown code is REQUEST_CODE_NOT_SUPPORTED, a throwing processor SYSTEM_ERROR",
    async run({ createRequest }, client, addr) {
      const unknown = await client.invokeSync(addr, createRequest(4321), 3000);
      assert.equal(unknown.code, 3);
      assert.equal(unknown.remark, " request type 4321 not supported");
      const failed = await client.invokeSync(addr, createRequest(THROW), 3000);
      assert.equal(failed.code, 1);
      assert.match(failed.remark!, /reference failure/);
    },
  },
  {
    name: "the server calls the client back on the same connection",
    async run({ createRequest }, client, addr) {
      for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
        const response = await client.invokeSync(addr, createRequest(CALL_BACK, { extFields: { q: "ping" }, serializeType }), 3000);
        assert.equal(response.remark, "client said pong ping");
      }
    },
  },
  {
    name: "4 MiB bodies each way arrive intact",
    async run({ createRequest }, client, addr) {
      const big = new Random(99).bytes(4 * 1024 * 1024);
      const response = await client.invokeSync(addr, createRequest(ECHO, { body: big }), 10_000);
      assert.equal(response.body!.length, big.length);
      assert.equal(Buffer.compare(response.body!, big), 0);
    },
  },
  {
    name: "a call that gets no answer fails with RemotingTimeoutError on time",
    async run({ createRequest, RemotingTimeoutError }, client, addr) {
      const t0 = performance.now();
      const error = await rejectionOf(client.invokeSync(addr, createRequest(NEVER), 100));
      const elapsed = performance.now() - t0;
      assert.ok(error instanceof RemotingTimeoutError, String(error));
      assert.ok(elapsed >= 98 && elapsed < 1000, `timed out after ${elapsed} ms`);
    },
  },
  {
    name: "when the server closes the connection, pending calls fail at once and the next call reconnects",
    async run({ createRequest, RemotingSendRequestError }, client, addr) {
      const pending = [0, 1, 2].map(() => rejectionOf(client.invokeSync(addr, createRequest(NEVER), 10_000)));
      const t0 = performance.now();
      const closer = rejectionOf(client.invokeSync(addr, createRequest(CLOSE_ME), 10_000));
      for (const error of [...(await Promise.all(pending)), await closer]) assert.ok(error instanceof RemotingSendRequestError, String(error));
      assert.ok(performance.now() - t0 < 1000);
      assert.equal((await client.invokeSync(addr, createRequest(ECHO), 3000)).code, 0);
    },
  },
];
