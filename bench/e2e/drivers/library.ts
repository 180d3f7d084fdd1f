import { ECHO_CODE, SEND_TOPIC } from "../cases.ts";
import type { JobCase } from "../job.ts";
import type { BenchConnection, Driver, Done } from "./driver.ts";
import { CALL_TIMEOUT_MS, openAll } from "./driver.ts";

/** The part of the package's surface the bench uses (the same in every revision compared). */
type Library = Pick<typeof import("../../../src/index.ts"), "RemotingClient" | "createRequest" | "silentLogger">;
type Command = import("../../../src/index.ts").RemotingCommand;
type RocketMQ = Partial<Pick<typeof import("../../../src/rocketmq/index.ts"), "Producer">>;

/** The request of an echo case, built afresh for every call as an application does. */
function requests(lib: Library, c: JobCase): () => Command {
  const init = { body: c.bodyBytes === 0 ? null : new Uint8Array(c.bodyBytes).fill(7), serializeType: c.serializeType };
  return () => lib.createRequest(ECHO_CODE, init);
}

/**
 * A send case: the package's Producer (from the build's RocketMQ entry, beside `entry`) sending to
 * the broker whose name server listens on `port`, as an application sends: a message object, a
 * promise per send. Revisions without a Producer cannot run it.
 */
async function producerConnection(lib: Library, entry: string, c: JobCase, port: number): Promise<BenchConnection> {
  const rocketmqEntry = entry.replace(/(index\.ts|node\.js)$/, (file) => `rocketmq/index.${file.endsWith(".ts") ? "ts" : "js"}`);
  const { Producer } = (await import(rocketmqEntry).catch(() => ({}))) as RocketMQ;
  if (Producer === undefined) throw new Error("this revision has no Producer");
  const producer = new Producer({ nameServers: [`127.0.0.1:${port}`], group: "GID_BENCH", logger: lib.silentLogger });
  await producer.start();
  const message = { topic: SEND_TOPIC, body: new Uint8Array(c.bodyBytes).fill(7) };
  await producer.send(message); // the route, the connection
  return {
    call: (done: Done) => void producer.send(message).then(() => done(null), done),
    oneway: (done: Done) => void producer.sendOneway(message).then(() => done(null), done),
    close: () => producer.shutdown(),
  };
}

/** An answer other than SUCCESS counts as an error (a revision that cannot serve the case, say). */
const failure = (response: Command): Error | null => (response.code === 0 ? null : new Error(`answered ${response.code}: ${response.remark}`));

type Client = InstanceType<Library["RemotingClient"]>;

/**
 * invokeAsync with the load's completion function. The load passes the same function for every
 * unsampled call, so the adapter from (error, response) to Done is made once, not per call.
 */
function asyncCall(client: Client, addr: string, request: () => Command): (done: Done) => void {
  let lastDone: Done | null = null;
  let adapter: (error: Error | null, response?: Command) => void = () => {};
  return (done) => {
    if (done !== lastDone) {
      lastDone = done;
      adapter = (error, response) => done(error ?? failure(response!));
    }
    client.invokeAsync(addr, request(), CALL_TIMEOUT_MS, adapter);
  };
}

/** This library's RemotingClient, one client (so one connection) per connection of the case; its Producer for a send. */
export async function libraryDriver(entry: string): Promise<Driver> {
  const lib = (await import(entry)) as Library;
  return async (c, port) => {
    if (c.call === "send") return [await producerConnection(lib, entry, c, port)];
    const addr = `127.0.0.1:${port}`;
    const request = requests(lib, c);
    const clients = await openAll(c.connections, async () => {
      const client = new lib.RemotingClient({ logger: lib.silentLogger });
      await client.invokeSync(addr, request(), CALL_TIMEOUT_MS);
      return client;
    });
    return clients.map((client) => ({
      call:
        c.kind === "async"
          ? asyncCall(client, addr, request)
          : (done: Done) => void client.invokeSync(addr, request(), CALL_TIMEOUT_MS).then((response) => done(failure(response)), done),
      oneway: (done: Done) => void client.invokeOneway(addr, request(), CALL_TIMEOUT_MS).then(() => done(null), done),
      close: () => client.shutdown(),
    }));
  };
}
