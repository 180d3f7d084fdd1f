/**
 * What observability costs on the request path: in-process round trips (server and client over an
 * in-memory transport, so the kernel's noise is out of the picture and the library's own work is
 * what is timed), 64 calls in flight per iteration.
 *
 *   bun bench/observability.bench.ts [--rounds N] [--baseline <another checkout's src/index.ts>]...
 *
 * Variants: "default" (stats on, nobody subscribed to the tracing channels), "stats off"
 * (trafficStats: false), "traced" (no-op subscribers on both tracing channels), "OpenTelemetry"
 * (instrumentRemoting on an SDK MeterProvider with a reader; and on the API's no-op meter, which
 * leaves the integration's own share), and for each
 * --baseline the same round trips through another version of the library (a checkout without
 * stats and tracing; or this one again, which shows the noise floor). Every measurement runs in a fresh process
 * (so variants share no JIT feedback and no heap), A/B interleaved: each round runs every variant
 * once, in a rotating order, and variants are compared round by round.
 */
import dc from "node:diagnostics_channel";
import { measure } from "mitata";
import { parseArgs } from "node:util";
import { MemoryTransport } from "../test/helpers/memory-transport.ts";
import { median } from "./suite/spread.ts";

interface Library {
  RemotingServer: typeof import("../src/index.ts").RemotingServer;
  RemotingClient: typeof import("../src/index.ts").RemotingClient;
  createRequest: typeof import("../src/index.ts").createRequest;
  createResponse: typeof import("../src/index.ts").createResponse;
  silentLogger: typeof import("../src/index.ts").silentLogger;
}

const IN_FLIGHT = 64;
const ECHO = 10;
const THIS_LIBRARY = new URL("../src/index.ts", import.meta.url).pathname;
const argv = process.argv.slice(2);

type Mode = "default" | "stats-off" | "traced" | "otel" | "otel-noop";

/** One measurement in this process: ns per call for `library` in `mode`. */
async function child(library: string, mode: Mode): Promise<number> {
  const lib = (await import(library)) as Library;
  const options = mode === "stats-off" ? { trafficStats: false } : {};
  if (mode === "traced") {
    const noop = (): void => {};
    for (const name of ["bun-remoting:invoke", "bun-remoting:process"]) {
      dc.tracingChannel(name).subscribe({ start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop });
    }
  }
  if (mode === "otel-noop") {
    const { instrumentRemoting } = await import("../src/metrics/opentelemetry.ts");
    instrumentRemoting(); // no MeterProvider registered: the API's no-op meter
  }
  if (mode === "otel") {
    // Both endpoints are in this process, so every round trip records on both sides. Loaded only
    // here, so that the other variants' processes hold none of it.
    const { instrumentRemoting } = await import("../src/metrics/opentelemetry.ts");
    const { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } = await import("@opentelemetry/sdk-metrics");
    const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
    instrumentRemoting({ meterProvider: new MeterProvider({ readers: [reader] }) });
  }
  const transport = new MemoryTransport();
  const server = new lib.RemotingServer({ transport, logger: lib.silentLogger, ...options });
  server.registerProcessor(ECHO, (_ctx, request) => lib.createResponse(0, null, { extFields: request.extFields, body: request.body }));
  await server.start();
  const client = new lib.RemotingClient({ transport, logger: lib.silentLogger, ...options });
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
  for (let i = 0; i < 2000; i++) await batch(); // warm up: connect, JIT
  const stats = await measure(batch, { min_cpu_time: 400e6 });
  await Promise.all([client.shutdown(), server.shutdown()]);
  return stats.p50 / IN_FLIGHT;
}

if (argv[0] === "--child") {
  process.stdout.write(`${await child(argv[1]!, argv[2] as Mode)}\n`);
  process.exit(0);
}

interface Variant {
  name: string;
  library: string;
  mode: Mode;
}

const { values } = parseArgs({
  args: argv,
  options: { rounds: { type: "string", default: "5" }, baseline: { type: "string", multiple: true, default: [] }, modes: { type: "string", default: "default,stats-off,traced,otel-noop,otel" } },
});
/** --modes: which of this library's variants to run (comma-separated), e.g. "default" against a --baseline only. */
const modes = new Set(values.modes.split(","));
const variants: Variant[] = (
  [
    { name: "default (stats on, untraced)", library: THIS_LIBRARY, mode: "default" },
    { name: "stats off (trafficStats: false)", library: THIS_LIBRARY, mode: "stats-off" },
    { name: "traced (no-op subscribers)", library: THIS_LIBRARY, mode: "traced" },
    { name: "OpenTelemetry, no-op meter", library: THIS_LIBRARY, mode: "otel-noop" },
    { name: "OpenTelemetry, SDK meter", library: THIS_LIBRARY, mode: "otel" },
  ] satisfies Variant[]
).filter((v) => modes.has(v.mode));
for (const library of values.baseline) variants.push({ name: `baseline ${library}`, library, mode: "default" });
const ROUNDS = Number(values.rounds);

async function run(v: Variant): Promise<number> {
  const proc = Bun.spawn([process.execPath, import.meta.path, "--child", v.library, v.mode], { stdout: "pipe", stderr: "inherit" });
  const [text, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`${v.name}: child exited with ${code}`);
  return Number(text.trim());
}

const perCallNs: number[][] = variants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < variants.length; k++) {
    const i = (round + k) % variants.length; // rotate the order so no variant always runs first
    perCallNs[i]!.push(await run(variants[i]!));
  }
}

const quartiles = (xs: number[]): [number, number] => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) / 4)]!, s[Math.ceil(((s.length - 1) * 3) / 4)]!];
};
const pct = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
console.log(`in-process round trip per call, ${IN_FLIGHT} in flight, ${ROUNDS} interleaved rounds, one process per measurement`);
console.log(`  ${"variant".padEnd(34)} ${"median".padStart(8)}  ${"min..max".padEnd(13)}  vs default, paired per round: median [quartiles]`);
variants.forEach((v, i) => {
  const xs = perCallNs[i]!;
  // Neighbouring measurements share the machine's state, so compare within each round.
  const ratios = xs.map((x, round) => x / perCallNs[0]![round]! - 1);
  const [q1, q3] = quartiles(ratios);
  const range = `${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)}`;
  const paired = i === 0 ? "" : `${pct(median(ratios))} [${pct(q1)} .. ${pct(q3)}]`;
  console.log(`  ${v.name.padEnd(34)} ${median(xs).toFixed(0).padStart(5)} ns  ${range.padEnd(13)}  ${paired}`);
});
