/**
 * The measuring process of the end-to-end bench: starts the server process each case names (pinned
 * by the runner's command line), then for each case opens its connections, puts them under load
 * (with the case's other client processes, if any), and times it (intervals.ts); prints one
 * CaseMeasurement per case as a JSON line. A case that fails is reported on stderr and left out.
 *   <runtime> client.{ts,js} '<ClientJob as JSON>'
 */
import { spawn, type ChildProcess } from "node:child_process";
import { startNoiseProbe } from "./cpu-noise.ts";
import { timeIntervals } from "./intervals.ts";
import type { Driver } from "./drivers/driver.ts";
import { loadDriver } from "./drivers/load-driver.ts";
import { freshWarmupS } from "./cases.ts";
import type { CaseMeasurement, CaseRun, ClientJob, JobCase } from "./job.ts";
import { LatencySamples } from "./latency-samples.ts";
import { LoadProcesses } from "./load-processes.ts";
import { Load } from "./load.ts";

/** Target duration of one sample: the time to complete a fixed number of requests. */
const SAMPLE_SECONDS = 0.004;

const job = JSON.parse(process.argv[2]!) as ClientJob;

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

/** This process's share of a case run by several client processes. */
function share(c: JobCase): JobCase {
  return { ...c, connections: c.connections / c.clientProcesses, inFlight: c.inFlight / c.clientProcesses };
}

async function measureCase(driver: Driver, run: CaseRun, server: Server, warmupS: number): Promise<CaseMeasurement> {
  const c = run.case;
  const mine = share(c);
  const others = c.clientProcesses > 1 ? await LoadProcesses.start(c.clientProcesses - 1, job.driver, mine, server.port, run.clientCpus) : null;
  try {
    const connections = await driver(mine, server.port);
    const load = new Load(connections, mine);
    load.start();
    const warm = { at: performance.now(), completed: load.completed };
    await sleep(warmupS * 1000);
    const rate = (load.completed - warm.completed) / ((performance.now() - warm.at) / 1000);
    const perSample = Math.max(1, Math.round(rate * SAMPLE_SECONDS));

    const samples = c.kind === "oneway" ? null : new LatencySamples();
    load.samples = samples;
    const noise = startNoiseProbe([process.pid, server.process.pid!, ...(others?.pids ?? [])], run.cpus);
    others?.begin();
    const start = { at: performance.now(), completed: load.completed, errors: load.errors };
    // Every request completed meanwhile counts, over the whole span, so the throughput is exact
    // whatever happens between samples.
    const intervals = await timeIntervals((n) => load.next(n), perSample, job.seconds);
    const seconds = (performance.now() - start.at) / 1000;
    const requests = load.completed - start.completed;
    const noiseCpuPct = noise.finish(); // before the other client processes exit
    const theirs = (await others?.finish()) ?? { requests: 0, errors: 0 };
    load.samples = null;
    await load.stop();
    await Promise.all(connections.map((conn) => conn.close()));

    const requestsPerSecond = (requests + theirs.requests) / seconds;
    return {
      caseId: c.id,
      requests: requests + theirs.requests,
      errors: load.errors - start.errors + theirs.errors,
      seconds,
      requestsPerSecond,
      mbPerSecond: (requestsPerSecond * c.bodyBytes) / 1e6,
      latencyUs: samples === null ? null : samples.summary(),
      intervals: { perSample, ...intervals },
      noiseCpuPct,
    };
  } finally {
    others?.kill();
  }
}

const driver = await loadDriver(job.driver);
/** One server process per command line, started when a case first needs it. */
const servers = new Map<string, Promise<Server>>();
const serverFor = (command: string[]): Promise<Server> => {
  const key = JSON.stringify(command);
  let server = servers.get(key);
  if (server === undefined) servers.set(key, (server = startServer(command)));
  return server;
};

let first = true;
for (const run of job.runs) {
  // Processes started for this case (this one, its server, its other client processes) warm their JIT up first.
  const fresh = first || !servers.has(JSON.stringify(run.server)) || run.case.clientProcesses > 1;
  try {
    const result = await measureCase(driver, run, await serverFor(run.server), fresh ? freshWarmupS(run.case, job.firstWarmupS) : job.warmupS);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stderr.write(`${run.case.id}: failed: ${(error as Error).message}\n`);
  }
  first = false;
}
for (const server of servers.values()) {
  const child = await server.then((s) => s.process).catch(() => null);
  if (child === null || child.exitCode !== null) continue;
  child.stdin!.end();
  await new Promise((resolve) => child.once("exit", resolve));
}
process.exit(0);
