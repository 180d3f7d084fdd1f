/**
 * The e2e bench measuring process: starts bench/e2e/server (same runtime, same library build) as a
 * child process, runs every case against it and prints one JSON ClientReport line. The process
 * affinity (taskset) is inherited by the server, so both share the CPU the runner picked.
 *   <runtime> client <server script> [--seconds S] [--warmup S] [--only name-substring] [--pinned-cpu N]
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { createRequest, RemotingClient, silentLogger } from "bun-remoting";
import { CASES, ECHO_CODE, type BenchCase, type CaseResult, type ClientReport } from "./cases.ts";
import { startNoiseProbe } from "./cpu-noise.ts";
import { LatencySamples } from "./latency-samples.ts";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: "string", default: "2" },
    warmup: { type: "string", default: "1" },
    only: { type: "string", default: "" },
    "pinned-cpu": { type: "string" },
  },
});
const serverScript = positionals[0]!;
const seconds = Number(options.seconds);
const warmupSeconds = Number(options.warmup);
const pinnedCpu = options["pinned-cpu"] === undefined ? null : Number(options["pinned-cpu"]);

const server = spawn(process.execPath, [serverScript], { stdio: ["pipe", "pipe", "inherit"] });
const port = await new Promise<number>((resolve, reject) => {
  let out = "";
  server.stdout!.on("data", (chunk: Buffer) => {
    out += chunk;
    const match = /LISTENING (\d+)/.exec(out);
    if (match) resolve(Number(match[1]));
  });
  server.on("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
});
const addr = `127.0.0.1:${port}`;
const client = new RemotingClient({ logger: silentLogger });

/** Every this many async calls, one has its latency recorded and the clock is checked. */
const ASYNC_SAMPLE_EVERY = 16;

/**
 * Keeps `c.inFlight` invokeAsync calls outstanding for `durationS`; records the latency of every
 * ASYNC_SAMPLE_EVERY-th call when `samples` is given (reading the clock twice per call would cost
 * a measurable share of a call that takes well under a microsecond of CPU).
 */
function runAsync(c: BenchCase, durationS: number, samples: LatencySamples | null): Promise<{ requests: number; errors: number; seconds: number }> {
  const body = new Uint8Array(c.bodyBytes).fill(7);
  const init = { body, serializeType: c.serializeType };
  return new Promise((resolve) => {
    const t0 = performance.now();
    const end = t0 + durationS * 1000;
    let requests = 0;
    let errors = 0;
    let active = c.inFlight;
    let stopping = false;
    const fire = (sampled: boolean): void => {
      const sent = sampled ? performance.now() : 0;
      client.invokeAsync(addr, createRequest(ECHO_CODE, init), 10_000, (error) => {
        if (error !== null) errors++;
        else if (sampled) samples?.add((performance.now() - sent) * 1000);
        if (++requests % ASYNC_SAMPLE_EVERY === 0 && !stopping) stopping = performance.now() >= end;
        if (!stopping) fire(requests % ASYNC_SAMPLE_EVERY === 0);
        else if (--active === 0) resolve({ requests, errors, seconds: (performance.now() - t0) / 1000 });
      });
    };
    for (let i = 0; i < c.inFlight; i++) fire(i % ASYNC_SAMPLE_EVERY === 0);
  });
}

/** One caller awaiting invokeSync back to back for `durationS`. */
async function runSync(c: BenchCase, durationS: number, samples: LatencySamples | null): Promise<{ requests: number; errors: number; seconds: number }> {
  const body = new Uint8Array(c.bodyBytes).fill(7);
  const init = { body, serializeType: c.serializeType };
  const t0 = performance.now();
  const end = t0 + durationS * 1000;
  let requests = 0;
  let errors = 0;
  let now = t0;
  while (now < end) {
    const sent = now;
    try {
      await client.invokeSync(addr, createRequest(ECHO_CODE, init), 10_000);
    } catch {
      errors++;
    }
    now = performance.now();
    samples?.add((now - sent) * 1000);
    requests++;
  }
  return { requests, errors, seconds: (now - t0) / 1000 };
}

async function measure(c: BenchCase): Promise<CaseResult> {
  const run = c.kind === "async" ? runAsync : runSync;
  await run(c, warmupSeconds, null);
  const samples = new LatencySamples();
  const noise = startNoiseProbe([process.pid, server.pid!], pinnedCpu);
  const { requests, errors, seconds: took } = await run(c, seconds, samples);
  return {
    name: c.name,
    requests,
    errors,
    seconds: took,
    requestsPerSecond: requests / took,
    p50Us: samples.percentile(50),
    p99Us: samples.percentile(99),
    noiseCpuPct: noise.finish(),
  };
}

const report: ClientReport = {
  runtime: process.versions.bun !== undefined ? "bun" : "node",
  version: process.versions.bun ?? process.versions.node,
  results: [],
};
for (const c of CASES) if (c.name.includes(options.only)) report.results.push(await measure(c));
await client.shutdown();
server.stdin!.end();
console.log(JSON.stringify(report));
