/**
 * One measured producer, in a process of its own: `load <target> <name server> <bodyBytes> <inFlight> <warmupMs> <measureMs>`.
 * Targets: "library" (this package's Producer: the sources under Bun, dist under Node, bundled by the
 * runner), "raw" (pre-encoded requests, answers not decoded: the ceiling; Bun only, see
 * bench/e2e/drivers/raw-send.ts), "ali-ons" and "rocketmq-nodejs" (from .bench-alternatives/, Node only). Prints one JSON
 * line: sends completed while measuring, the time, and this process's CPU time meanwhile.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { Producer as LibraryProducer } from "bun-remoting/rocketmq";
import { measureWindow } from "./measure-window.ts";
import { rawSendStream } from "../e2e/drivers/raw-send.ts";

const TOPIC = "BenchTopic";
const GROUP = "GID_BENCH";
const silent = { debug() {}, info() {}, warn() {}, error() {} };

type Send = () => Promise<unknown>;

async function open(target: string, nameServer: string, body: Buffer, inFlight: number, alternatives: string): Promise<{ send: Send; close: () => Promise<unknown> }> {
  if (target === "library") {
    const producer = new LibraryProducer({ nameServers: [nameServer], group: GROUP, logger: silent });
    await producer.start();
    const message = { topic: TOPIC, body };
    return { send: () => producer.send(message), close: () => producer.shutdown() };
  }
  if (target === "raw") {
    const stream = await rawSendStream(nameServer, TOPIC, body, inFlight);
    return { send: () => new Promise((resolve, reject) => stream.call((error) => (error === null ? resolve(undefined) : reject(error)))), close: () => stream.close() };
  }
  const load = createRequire(join(alternatives, target, "package.json"));
  if (target === "ali-ons") {
    const { Producer, Message } = load("ali-ons") as { Producer: new (o: object) => { ready(): Promise<void>; send(m: unknown): Promise<unknown>; close(): Promise<void> }; Message: new (t: string, tags: string, b: Buffer) => unknown };
    const producer = new Producer({ nameSrv: nameServer, producerGroup: GROUP, httpclient: {}, logger: { info() {}, warn() {}, error() {}, debug() {} } });
    await producer.ready();
    return { send: () => producer.send(new Message(TOPIC, "", body)), close: () => producer.close() };
  }
  if (target === "rocketmq-nodejs") {
    const { Producer } = load("rocketmq-nodejs") as { Producer: new (g: string, o: object) => { start(): Promise<void>; send(t: string, b: Buffer): Promise<unknown>; shutdown(): Promise<void> } };
    const producer = new Producer(GROUP, { nameServer, logDir: join(alternatives, target, "logs"), logLevel: "error", sendMessageTimeout: 3000 });
    await producer.start();
    return { send: () => producer.send(TOPIC, body), close: () => producer.shutdown() };
  }
  throw new Error(`unknown target ${target}`);
}

const [target = "library", nameServer = "", bodyBytes = "64", inFlight = "1", warmupMs = "300", measureMs = "1000", alternatives = ""] = process.argv.slice(2);
const { send, close } = await open(target, nameServer, Buffer.alloc(Number(bodyBytes), 7), Number(inFlight), alternatives);
await send(); // the route and the connection

let measuring = false;
let count = 0;
let stop = false;
let failure: unknown = null;
const worker = async (): Promise<void> => {
  while (!stop) {
    try {
      await send();
    } catch (error) {
      failure ??= error;
      stop = true;
    }
    if (measuring) count++;
  }
};
const workers = Array.from({ length: Number(inFlight) }, worker);
const { seconds, cpuMicros } = await measureWindow(Number(warmupMs), Number(measureMs), (on) => (measuring = on));
stop = true;
await Promise.all(workers);
await close();
if (failure !== null) {
  console.error(`send failed: ${(failure as Error)?.message ?? failure}`);
  process.exit(1);
}
// rocketmq-nodejs's native client keeps threads that block a normal exit once shut down, so the
// report is flushed and the process ends itself.
process.stdout.write(`${JSON.stringify({ sends: count, seconds, cpuMicros })}\n`, () => process.kill(process.pid, "SIGKILL"));
