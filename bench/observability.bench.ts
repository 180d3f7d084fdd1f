/**
 * What observability costs on the request path: in-process round trips (server and client over an
 * in-memory transport, so the kernel's noise is out of the picture and the library's own work is
 * what is timed), 64 calls in flight per iteration, A/B interleaved in rounds.
 *
 *   bun bench/observability.bench.ts [--rounds N] [--no-subscribed] [--baseline <another checkout's src/index.ts>]...
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

// --no-subscribed leaves the traced variant out: it shares this code's JIT feedback with the
// unsubscribed one, which matters when comparing against a baseline.
const variants: Variant[] = [await variant("unsubscribed (default)", current, false)];
if (!argv.includes("--no-subscribed")) variants.push(await variant("subscribed (no-op handlers)", current, true));
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
const quartiles = (xs: number[]): [number, number] => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) / 4)]!, s[Math.ceil(((s.length - 1) * 3) / 4)]!];
};
const pct = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
console.log(`in-process round trip per call, ${IN_FLIGHT} in flight, ${ROUNDS} interleaved rounds`);
console.log(`  ${"variant".padEnd(34)} ${"median".padStart(8)}  ${"min..max".padEnd(13)}  vs unsubscribed, paired per round: median [quartiles]`);
variants.forEach((v, i) => {
  const xs = perCallNs[i]!;
  // Neighbouring measurements share the machine's state, so compare within each round.
  const ratios = xs.map((x, round) => x / perCallNs[0]![round]! - 1);
  const [q1, q3] = quartiles(ratios);
  const range = `${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)}`;
  const paired = i === 0 ? "" : `${pct(median(ratios))} [${pct(q1)} .. ${pct(q3)}]`;
  console.log(`  ${v.name.padEnd(34)} ${median(xs).toFixed(0).padStart(5)} ns  ${range.padEnd(13)}  ${paired}`);
});
