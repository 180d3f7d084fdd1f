/**
 * One of a case's other client processes (see LoadJob): opens its share of the connections, keeps
 * its share of the calls in flight, and reports the requests it completed between START and STOP.
 *   <runtime> load-process.{ts,js} '<LoadJob as JSON>'
 */
import { createInterface } from "node:readline";
import { loadDriver } from "./drivers/load-driver.ts";
import type { LoadCount, LoadJob } from "./job.ts";
import { Load } from "./load.ts";

const job = JSON.parse(process.argv[2]!) as LoadJob;
const driver = await loadDriver(job.driver);
const connections = await driver(job.case, job.port);
const load = new Load(connections, job.case);
load.start();
process.stdout.write("READY\n");

let start: LoadCount = { requests: 0, errors: 0 };
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line === "START") start = { requests: load.completed, errors: load.errors };
  if (line !== "STOP") continue;
  const count: LoadCount = { requests: load.completed - start.requests, errors: load.errors - start.errors };
  process.stdout.write(`${JSON.stringify(count)}\n`);
  break;
}
lines.close();
await load.stop();
await Promise.all(connections.map((conn) => conn.close()));
process.exit(0);
