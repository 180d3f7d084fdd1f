import { createRequire } from "node:module";
import { join } from "node:path";
import { SEND_TOPIC } from "../cases.ts";
import type { Driver, Done } from "./driver.ts";
import { CALL_TIMEOUT_MS } from "./driver.ts";

/** The part of rocketmq-nodejs (a native addon, CommonJS) the bench uses. */
interface Producer {
  start(): Promise<void>;
  send(topic: string, body: Buffer): Promise<unknown>;
  shutdown(): Promise<void>;
}
type ProducerClass = new (group: string, options: object) => Producer;

/**
 * rocketmq-nodejs (npm): Apache rocketmq-client-cpp as a Node addon, prebuilt. Its producer asks
 * the bench broker's name server for the topic's route and sends to BrokerLite
 * (bench/producer/broker.ts). Installed by the runner into `dir`, never committed.
 */
export async function rocketmqNodejsDriver(dir: string): Promise<Driver> {
  const load = createRequire(join(dir, "package.json"));
  const { Producer } = load("rocketmq-nodejs") as { Producer: ProducerClass };
  return async (c, port) => {
    if (c.call !== "send" || c.connections !== 1) throw new Error("rocketmq-nodejs only sends messages, over its one broker connection");
    const producer = new Producer("GID_BENCH", {
      nameServer: `127.0.0.1:${port}`,
      logDir: join(dir, "logs"),
      logLevel: "error",
      sendMessageTimeout: CALL_TIMEOUT_MS,
    });
    await producer.start();
    const body = Buffer.alloc(c.bodyBytes, 7);
    await producer.send(SEND_TOPIC, body); // the route, the connection
    return [
      {
        call: (done: Done) => void producer.send(SEND_TOPIC, body).then(() => done(null), done),
        oneway: (done: Done) => done(new Error("the bench does not use rocketmq-nodejs' oneway send")),
        close: () => producer.shutdown(),
      },
    ];
  };
}
