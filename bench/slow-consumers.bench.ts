/**
 * The memory bound against peers that never read (issue "a request's whole life"): N raw peers send
 * 50 requests every 5 ms and read nothing, served by an async processor answering 100 KiB after
 * 100 ms; prints the peak of server.stats.bytesQueued (sampled every 1 ms), the slow-consumer
 * closes, how long they took and the process's RSS.
 *   bun bench/slow-consumers.bench.ts [peers]      (default 1)
 */
import * as net from "node:net";
import { createRequest, createResponse, encodeFrame, RemotingServer, silentLogger } from "../src/index.ts";

const SLOW = 11;
const ANSWER = new Uint8Array(100 * 1024);
const peers = Number(process.argv[2] ?? 1);
const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger });
server.registerProcessor(SLOW, async () => {
  await Bun.sleep(100);
  return createResponse(0, null, { body: ANSWER });
});
await server.start();
const batch = Buffer.concat(Array.from({ length: 50 }, () => encodeFrame(createRequest(SLOW))));
let closed = 0;
for (let i = 0; i < peers; i++) {
  const socket = net.connect({ host: "127.0.0.1", port: server.port });
  socket.pause(); // never reads
  let isClosed = false;
  socket.on("close", () => ((isClosed = true), closed++));
  socket.on("error", () => {});
  socket.write(batch);
  const timer = setInterval(() => (isClosed ? clearInterval(timer) : socket.write(batch)), 5);
}
let peak = 0;
const t0 = performance.now();
const sampler = setInterval(() => (peak = Math.max(peak, server.stats.bytesQueued)), 1);
while (closed < peers && performance.now() - t0 < 10_000) await Bun.sleep(10);
clearInterval(sampler);
const mib = (n: number): string => (n / 1048576).toFixed(2);
console.log(`${peers} peer(s): peak bytesQueued ${mib(peak)} MiB, slowConsumerCloses ${server.stats.slowConsumerCloses}, all closed after ${(performance.now() - t0).toFixed(0)} ms, rss ${mib(process.memoryUsage().rss)} MiB`);
await server.shutdown();
process.exit(0);
