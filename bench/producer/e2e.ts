/**
 * Produce -> consume through a BrokerLite, in one process of its own: `e2e <name server> <bodyBytes>
 * <inFlight> <warmupMs> <measureMs>`. A Producer keeps `inFlight` sends going while a Consumer of a
 * fresh group reads the topic (one of this run's own); prints one JSON line: messages consumed while measuring, the time,
 * the process's CPU time, and the median and 99th percentile of send-to-receipt latency (µs).
 */
import { Consumer, Producer } from "bun-remoting/rocketmq";
import { measureWindow } from "./measure-window.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const [nameServer = "", bodyBytes = "1024", inFlight = "64", warmupMs = "300", measureMs = "1000"] = process.argv.slice(2);
// A topic of this run's own (created by its first send), so that no earlier run's backlog is read.
const TOPIC = `E2E_${process.pid}_${Date.now()}`;

const startedAt = Date.now();
const producer = new Producer({ nameServers: [nameServer], group: "GID_BENCH_E2E", logger: silent });
await producer.start();
await producer.send({ topic: TOPIC, body: new Uint8Array(8) });
const consumer = new Consumer({ nameServers: [nameServer], group: `GID_E2E_${process.pid}_${Date.now()}`, topic: TOPIC, fromWhere: "last", logger: silent });
await consumer.start();

// The body starts with the send time (performance.now(), µs as float64), the rest is padding.
const body = new Uint8Array(Math.max(8, Number(bodyBytes)));
const view = new DataView(body.buffer);
let stop = false;
const senders = Array.from({ length: Number(inFlight) }, async () => {
  while (!stop) {
    view.setFloat64(0, performance.now() * 1000);
    await producer.send({ topic: TOPIC, body: body.slice() });
  }
});

let measuring = false;
let count = 0;
const latencies: number[] = [];
const reading = (async () => {
  for await (const m of consumer) {
    if (measuring && m.bornTimestamp >= startedAt) {
      count++;
      latencies.push(performance.now() * 1000 - new DataView(m.body.buffer, m.body.byteOffset, 8).getFloat64(0));
    }
    if (stop) break;
  }
})();

const { seconds, cpuMicros } = await measureWindow(Number(warmupMs), Number(measureMs), (on) => (measuring = on));
stop = true;
await Promise.all(senders);
await consumer.close();
await reading.catch(() => undefined);
await producer.shutdown();
latencies.sort((a, b) => a - b);
const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
process.stdout.write(`${JSON.stringify({ sends: count, seconds, cpuMicros, p50Micros: at(0.5), p99Micros: at(0.99) })}\n`, () => process.exit(0));
