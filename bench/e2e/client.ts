/**
 * The measuring process of the end-to-end bench: starts the server process the job names (pinned
 * by the runner's command line), then for each case opens its connections, puts them under load,
 * and lets mitata time it; prints one CaseMeasurement per case as a JSON line.
 *   <runtime> client.{ts,js} '<ClientJob as JSON>'
 */
import { spawn, type ChildProcess } from "node:child_process";
import { measure } from "mitata";
import { startNoiseProbe } from "./cpu-noise.ts";
import { aliOnsDriver } from "./drivers/ali-ons.ts";
import type { Driver } from "./drivers/driver.ts";
import { libraryDriver } from "./drivers/library.ts";
import { rawDriver } from "./drivers/raw.ts";
import { rocketmqNodejsDriver } from "./drivers/rocketmq-nodejs.ts";
import type { CaseMeasurement, ClientJob, DriverSpec, JobCase } from "./job.ts";
import { LatencySamples } from "./latency-samples.ts";
import { Load } from "./load.ts";

/** Target duration of one mitata sample: the time to complete a fixed number of requests. */
const SAMPLE_SECONDS = 0.004;

const job = JSON.parse(process.argv[2]!) as ClientJob;

async function loadDriver(spec: DriverSpec): Promise<Driver> {
  if (spec.kind === "library") return libraryDriver(spec.entry);
  if (spec.kind === "ali-ons") return aliOnsDriver(spec.dir);
  if (spec.kind === "rocketmq-nodejs") return rocketmqNodejsDriver(spec.dir);
  return rawDriver;
}

interface Server {
  process: ChildProcess;
  port: number;
}

function startServer(command: string[]): Promise<Server> {
  const child = spawn(command[0]!, command.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve({ process: child, port: Number(match[1]) });
    });
    child.on("exit", (code) => reject(new Error(`bench server ${command.join(" ")} exited with ${code}`)));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function measureCase(driver: Driver, c: JobCase, server: Server, warmupS: number): Promise<CaseMeasurement> {
  const connections = await driver(c, server.port);
  const load = new Load(connections, c);
  load.start();
  const warm = { at: performance.now(), completed: load.completed };
  await sleep(warmupS * 1000);
  const rate = (load.completed - warm.completed) / ((performance.now() - warm.at) / 1000);
  const perSample = Math.max(1, Math.round(rate * SAMPLE_SECONDS));

  const samples = c.kind === "oneway" ? null : new LatencySamples();
  load.samples = samples;
  const noise = startNoiseProbe([process.pid, server.process.pid!], c.placement === "split" ? job.cpus.split : job.cpus.same);
  const start = { at: performance.now(), completed: load.completed, errors: load.errors };
  // mitata decides how many samples to take; every request completed meanwhile counts, over the
  // whole span, so the throughput is exact whatever mitata does between samples.
  const stats = await measure(() => load.next(perSample), {
    min_cpu_time: job.seconds * 1e9,
    min_samples: 5,
    gc: false,
    batch_threshold: -1,
    samples_threshold: Infinity,
  });
  const seconds = (performance.now() - start.at) / 1000;
  const requests = load.completed - start.completed;
  const noiseCpuPct = noise.finish();
  load.samples = null;
  await load.stop();
  await Promise.all(connections.map((conn) => conn.close()));

  const requestsPerSecond = requests / seconds;
  const rateOf = (ns: number): number => perSample / (ns / 1e9);
  return {
    caseId: c.id,
    requests,
    errors: load.errors - start.errors,
    seconds,
    requestsPerSecond,
    mbPerSecond: (requestsPerSecond * c.bodyBytes) / 1e6,
    latencyUs: samples === null ? null : samples.summary(),
    intervals: { perSample, samples: stats.samples.length, p25: rateOf(stats.p75), p50: rateOf(stats.p50), p75: rateOf(stats.p25) },
    noiseCpuPct,
  };
}

const driver = await loadDriver(job.driver);
const servers = new Map<string, Promise<Server>>();
const serverFor = (c: JobCase): Promise<Server> => {
  const command = c.placement === "split" ? job.server.split : job.server.same;
  if (command === null) throw new Error(`${c.id}: no CPU for the server in split placement`);
  let server = servers.get(c.placement);
  if (server === undefined) servers.set(c.placement, (server = startServer(command)));
  return server;
};

let first = true;
for (const c of job.cases) {
  const result = await measureCase(driver, c, await serverFor(c), first ? job.firstWarmupS : job.warmupS);
  first = false;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
for (const server of servers.values()) {
  const { process: child } = await server;
  child.stdin!.end();
  await new Promise((resolve) => child.once("exit", resolve));
}
process.exit(0);
