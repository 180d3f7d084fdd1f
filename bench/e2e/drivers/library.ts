import { ECHO_CODE } from "../cases.ts";
import type { Driver, Done } from "./driver.ts";
import { CALL_TIMEOUT_MS } from "./driver.ts";

/** The part of the package's surface the bench uses (the same in every revision compared). */
type Library = Pick<typeof import("../../../src/index.ts"), "RemotingClient" | "createRequest" | "silentLogger">;

/**
 * This library's RemotingClient, one client (so one connection) per connection of the case. Every
 * call builds its request with createRequest, as an application does.
 */
export async function libraryDriver(entry: string): Promise<Driver> {
  const lib = (await import(entry)) as Library;
  return async (c, port) => {
    const addr = `127.0.0.1:${port}`;
    const init = { body: c.bodyBytes === 0 ? null : new Uint8Array(c.bodyBytes).fill(7), serializeType: c.serializeType };
    const request = () => lib.createRequest(ECHO_CODE, init);
    const clients = Array.from({ length: c.connections }, () => new lib.RemotingClient({ logger: lib.silentLogger }));
    await Promise.all(clients.map((client) => client.invokeSync(addr, request(), CALL_TIMEOUT_MS)));
    return clients.map((client) => ({
      call:
        c.kind === "async"
          ? (done: Done) => client.invokeAsync(addr, request(), CALL_TIMEOUT_MS, done)
          : (done: Done) => void client.invokeSync(addr, request(), CALL_TIMEOUT_MS).then(() => done(null), done),
      oneway: (done: Done) => void client.invokeOneway(addr, request(), CALL_TIMEOUT_MS).then(() => done(null), done),
      close: () => client.shutdown(),
    }));
  };
}
