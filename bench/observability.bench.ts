/**
 * What observability costs on the request path: in-process round trips (server and client over an
 * in-memory transport, so the kernel's noise is out of the picture and the library's own work is
 * what is timed), 64 calls in flight per iteration, A/B interleaved in rounds.
 *
 *   bun bench/observability.bench.ts [--rounds N] [--baseline <another checkout's src/index.ts>]...
 *
 * Variants: "unsubscribed" (this code, nobody subscribed to the tracing channels: the default),
 * "subscribed" (no-op subscribers on both tracing channels), and with --baseline the same round
 * trips through another version of the library (e.g. one without stats and tracing), which shows
 * what the always-on stats and the tracing checks cost together.
 */
import dc from "node:diagnostics_channel";
import { measure } from "mitata";
import * as current from "../src/index.ts";
import { MemoryTransport } from "../test/helpers/memory-transport.ts";

type Library = Pick<typeof current, "RemotingServer" | "RemotingClient" | "createRequest" | "createResponse" | "silentLogger">;

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};
const ROUNDS = Number(option("--rounds") ?? 7);
const IN_FLIGHT = 64;
const ECHO = 10;

interface Variant {
  name: string;
  /** 64 round trips. */
  batch: () => Promise<void>;
  traced: boolean;
  shutdown: () => Promise<void>;
}

async function variant(name: string, lib: Library, traced: boolean): Promise<Variant> {
  const transport = new MemoryTransport();
  const server = new lib.RemotingServer({ transport, logger: lib.silentLogger });
  server.registerProcessor(ECHO, (_ctx, request) => lib.createResponse(0, null, { extFields: request.extFields, body: request.body }));
  await server.start();
  const client = new lib.RemotingClient({ transport, logger: lib.silentLogger });
  const addr = `127.0.0.1:${server.port}`;
  const requests = Array.from({ length: IN_FLIGHT }, (_, i) =>
    lib.createRequest(ECHO, { extFields: { topic: "TopicTest", queueId: String(i % 4) }, body: new Uint8Array(64), serializeType: "ROCKETMQ" }),
  );
  const batch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      let left = IN_FLIGHT;
      const done = (error: Error | null): void => {
        if (error !== null) reject(error);
        else if (--left === 0) resolve();
      };
      for (const request of requests) client.invokeAsync(addr, request, 10_000, done);
    });
  await batch(); // connect
  return { name, batch, traced, shutdown: async () => void (await Promise.all([client.shutdown(), server.shutdown()])) };
}

const noop = (): void => {};
const handlers = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
const channels = Object.values(current.TracingChannels).map((name) => dc.tracingChannel(name));
const setTraced = (on: boolean): void => {
  for (const channel of channels) (on ? channel.subscribe : channel.unsubscribe).call(channel, handlers);
};

const variants: Variant[] = [await variant("unsubscribed (default)", current, false), await variant("subscribed (no-op handlers)", current, true)];
for (const [i, arg] of argv.entries()) {
  if (arg === "--baseline") variants.push(await variant(`baseline ${argv[i + 1]}`, (await import(argv[i + 1]!)) as Library, false));
}

const perCallNs: number[][] = variants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < variants.length; k++) {
    const i = (round + k) % variants.length; // rotate the order so no variant always runs first
    const v = variants[i]!;
    setTraced(v.traced);
    const stats = await measure(v.batch, { min_cpu_time: 150e6 });
    setTraced(false);
    perCallNs[i]!.push(stats.p50 / IN_FLIGHT);
  }
}
for (const v of variants) await v.shutdown();

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const reference = median(perCallNs[0]!);
console.log(`in-process round trip per call, ${IN_FLIGHT} in flight, ${ROUNDS} interleaved rounds (median of per-round p50; min..max)`);
variants.forEach((v, i) => {
  const xs = perCallNs[i]!;
  const m = median(xs);
  const delta = ((m / reference - 1) * 100).toFixed(1);
  console.log(`  ${v.name.padEnd(34)} ${m.toFixed(0).padStart(6)} ns  (${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)})  ${i === 0 ? "" : `${delta}% vs unsubscribed`}`);
});
