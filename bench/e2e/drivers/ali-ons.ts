import { createRequire } from "node:module";
import { join } from "node:path";
import { ECHO_CODE, SEND_TOPIC } from "../cases.ts";
import type { JobCase } from "../job.ts";
import type { BenchConnection, Driver, Done } from "./driver.ts";
import { CALL_TIMEOUT_MS } from "./driver.ts";

/** The parts of ali-ons (untyped CommonJS) the bench uses. */
interface AliOnsChannel {
  ready(): Promise<void>;
  invoke(command: AliOnsCommand, timeoutMs: number): Promise<unknown>;
  invokeOneway(command: AliOnsCommand): Promise<unknown>;
  close(): void;
}
interface AliOnsCommand {
  body: Uint8Array | null;
}
type ChannelClass = new (address: string, options: object) => AliOnsChannel;
type CommandClass = new (options: { code: number }) => AliOnsCommand;
interface AliOnsProducer {
  ready(): Promise<void>;
  send(message: unknown): Promise<unknown>;
  close(): Promise<void>;
}
type ProducerClass = new (options: object) => AliOnsProducer;
type MessageClass = new (topic: string, tags: string, body: Buffer) => unknown;

const silent = { info() {}, warn() {}, error() {}, debug() {} };

/** A send case: ali-ons' Producer, with the broker's name server listening on `port`. */
async function producerConnection(load: NodeJS.Require, c: JobCase, port: number): Promise<BenchConnection> {
  const { Producer, Message } = load("ali-ons") as { Producer: ProducerClass; Message: MessageClass };
  const producer = new Producer({ nameSrv: `127.0.0.1:${port}`, producerGroup: "GID_BENCH", httpclient: {}, logger: silent });
  await producer.ready();
  const body = Buffer.alloc(c.bodyBytes, 7);
  await producer.send(new Message(SEND_TOPIC, "", body)); // the route, the connection
  return {
    call: (done: Done) => void producer.send(new Message(SEND_TOPIC, "", body)).then(() => done(null), done),
    oneway: (done: Done) => done(new Error("the bench does not use ali-ons' oneway send")),
    close: () => producer.close(),
  };
}

/**
 * ali-ons (npm, pure JavaScript): its Channel is a RocketMQ remoting client (JSON headers only, one
 * socket write per request, a timer per request), driven for the echo cases; its Producer for the
 * send cases. Installed by the runner into `dir`, never committed; loaded from there.
 */
export async function aliOnsDriver(dir: string): Promise<Driver> {
  const load = createRequire(join(dir, "package.json"));
  const Channel = load("ali-ons/lib/channel.js") as ChannelClass;
  const RemotingCommand = load("ali-ons/lib/protocol/command/remoting_command.js") as CommandClass;
  return async (c, port) => {
    if (c.call === "send") return [await producerConnection(load, c, port)];
    if (c.serializeType !== "JSON") throw new Error(`ali-ons speaks JSON headers only, not ${c.serializeType}`);
    const body = c.bodyBytes === 0 ? null : Buffer.alloc(c.bodyBytes, 7);
    const command = (): AliOnsCommand => {
      const cmd = new RemotingCommand({ code: ECHO_CODE });
      cmd.body = body;
      return cmd;
    };
    const channels = Array.from({ length: c.connections }, () => new Channel(`127.0.0.1:${port}`, {}));
    await Promise.all(channels.map((channel) => channel.ready()));
    return channels.map((channel) => ({
      call: (done: Done) => void channel.invoke(command(), CALL_TIMEOUT_MS).then(() => done(null), done),
      oneway: (done: Done) => void channel.invokeOneway(command()).then(() => done(null), done),
      close: async () => channel.close(),
    }));
  };
}
