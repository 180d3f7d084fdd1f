import { afterAll, beforeAll, expect, test } from "bun:test";
import { createRequest, RemotingClient, silentLogger } from "../../src/index.ts";
import { ChildCode, ChildServer, MiB, mib, ownMemory } from "../helpers/child-server.ts";
import { Random } from "../helpers/random.ts";

/*
 * Many requests through one client and a server in its own process, with `IN_FLIGHT` calls always
 * pending: every call must be answered exactly once, with its own body back (every opaque
 * accounted for), and memory (heap and RSS after a forced GC, both processes) sampled along the
 * way must not grow past a bound once warmed up.
 *   CI size by default (1 000 000 requests); SOAK=1 runs 10 000 000; SOAK_REQUESTS=n sets any size.
 */

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? (process.env.SOAK === "1" ? 10_000_000 : 1_000_000));
const IN_FLIGHT = 256;
const SAMPLES = 20;
/** Allowed growth after the warm-up (the first sample), per process. */
const HEAP_BOUND = 16 * MiB;
const RSS_BOUND = 64 * MiB;

let server: ChildServer;
let client: RemotingClient;

beforeAll(async () => {
  server = await ChildServer.start();
  client = new RemotingClient({ logger: silentLogger });
});

afterAll(async () => {
  await client.shutdown();
  await server.kill();
});

test(
  `soak: ${REQUESTS} requests, ${IN_FLIGHT} in flight: each answered exactly once with its own body; memory bounded`,
  async () => {
    const rng = new Random(3);
    const pool = rng.bytes(4096);
    /** How often each request's callback ran, and whether its answer carried its own id. */
    const callbacks = new Uint8Array(REQUESTS);
    let mismatched = 0;
    let failed = 0;
    let firstError: Error | null = null;
    const samples: { at: number; server: { heapUsed: number; rss: number }; client: { heapUsed: number; rss: number } }[] = [];
    let next = 0;
    let settled = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    const sampleEvery = Math.floor(REQUESTS / SAMPLES);
    let sampling = Promise.resolve();

    const send = (): void => {
      const id = next++;
      const padding = rng.int(0, 2000);
      const body = new Uint8Array(4 + padding);
      new DataView(body.buffer).setUint32(0, id);
      body.set(pool.subarray(0, padding), 4);
      const code = id % 3 === 0 ? ChildCode.ASYNC : ChildCode.ECHO;
      const serializeType = id % 2 === 0 ? "JSON" : "ROCKETMQ";
      client.invokeAsync(server.addr, createRequest(code, { body, serializeType, extFields: { id: String(id) } }), 30_000, (error, response) => {
        callbacks[id]!++;
        if (error !== null) {
          failed++;
          firstError ??= error;
        } else {
          const back = response!.body;
          if (back === null || back.length !== body.length || new DataView(back.buffer, back.byteOffset).getUint32(0) !== id || response!.extFields?.id !== String(id)) mismatched++;
        }
        settled++;
        if (settled % sampleEvery === 0) {
          const at = settled;
          sampling = sampling.then(async () => {
            samples.push({ at, server: await server.stats(client), client: ownMemory() });
          });
        }
        if (next < REQUESTS) send();
        else if (settled === REQUESTS) resolveAll();
      });
    };

    const t0 = performance.now();
    for (let i = 0; i < IN_FLIGHT && next < REQUESTS; i++) send();
    await all;
    const seconds = (performance.now() - t0) / 1000;
    await sampling;
    // One more round trip on the connection: a second callback of any call would have run before it.
    await client.invokeSync(server.addr, createRequest(ChildCode.ECHO, { body: new Uint8Array(4) }), 5000);

    let lost = 0;
    let twice = 0;
    for (let i = 0; i < REQUESTS; i++) {
      if (callbacks[i] === 0) lost++;
      else if (callbacks[i]! > 1) twice++;
    }
    const base = samples[0]!;
    const peak = (pick: (s: (typeof samples)[number]) => number): number => Math.max(...samples.map(pick));
    console.info(
      `soak: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)}/s), ${IN_FLIGHT} in flight; ` +
        `${lost} lost, ${twice} answered twice, ${failed} failed, ${mismatched} with another request's body; ` +
        `server heap ${mib(base.server.heapUsed)} -> peak ${mib(peak((s) => s.server.heapUsed))}, rss ${mib(base.server.rss)} -> peak ${mib(peak((s) => s.server.rss))}; ` +
        `client heap ${mib(base.client.heapUsed)} -> peak ${mib(peak((s) => s.client.heapUsed))}, rss ${mib(base.client.rss)} -> peak ${mib(peak((s) => s.client.rss))} (${samples.length} samples)`,
    );

    expect(firstError).toBeNull();
    expect(lost).toBe(0);
    expect(twice).toBe(0);
    expect(mismatched).toBe(0);
    expect(samples.length).toBeGreaterThanOrEqual(SAMPLES - 1);
    expect(peak((s) => s.server.heapUsed) - base.server.heapUsed).toBeLessThan(HEAP_BOUND);
    expect(peak((s) => s.server.rss) - base.server.rss).toBeLessThan(RSS_BOUND);
    expect(peak((s) => s.client.heapUsed) - base.client.heapUsed).toBeLessThan(HEAP_BOUND);
    expect(peak((s) => s.client.rss) - base.client.rss).toBeLessThan(RSS_BOUND);
  },
  process.env.SOAK === "1" ? 3_600_000 : 120_000,
);
