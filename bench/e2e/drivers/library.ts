import { ECHO_CODE, SEND_CODE, SEND_TOPIC } from "../cases.ts";
import type { JobCase } from "../job.ts";
import type { Driver, Done } from "./driver.ts";
import { CALL_TIMEOUT_MS, openAll } from "./driver.ts";

/** The part of the package's surface the bench uses (the same in every revision compared). */
type Library = Pick<typeof import("../../../src/index.ts"), "RemotingClient" | "createRequest" | "silentLogger">;
type Command = import("../../../src/index.ts").RemotingCommand;

/**
 * The request of a case, built afresh for every call as an application does. A send is
 * SEND_MESSAGE_V2 with the header fields a producer fills in (those rocketmq-client-cpp sends),
 * its own message key and timestamp each time.
 */
function requests(lib: Library, c: JobCase): () => Command {
  const body = c.bodyBytes === 0 ? null : new Uint8Array(c.bodyBytes).fill(7);
  if (c.call === "echo") {
    const init = { body, serializeType: c.serializeType };
    return () => lib.createRequest(ECHO_CODE, init);
  }
  let sent = 0;
  return () => {
    const n = sent++;
    const extFields = {
      a: "GID_BENCH",
      b: SEND_TOPIC,
      c: "TBW102",
      d: "4",
      e: String(n & 3),
      f: "0",
      g: String(Date.now()),
      h: "0",
      i: `UNIQ_KEY\u00017F0000014DCC0D4D468E68DE${(n >>> 0).toString(16).toUpperCase().padStart(8, "0")}\u0002WAIT\u0001true\u0002`,
      j: "0",
      k: "false",
      l: "1",
      m: "false",
    };
    return lib.createRequest(SEND_CODE, { extFields, body, serializeType: c.serializeType });
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

/** This library's RemotingClient, one client (so one connection) per connection of the case. */
export async function libraryDriver(entry: string): Promise<Driver> {
  const lib = (await import(entry)) as Library;
  return async (c, port) => {
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
