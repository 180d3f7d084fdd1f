import type { RemotingChannel } from "../../src/surface.ts";
import { sleep } from "../helpers/promises.ts";
import { unusedPort } from "../helpers/unused-port.ts";
import type { Lib } from "./scenario.ts";

/**
 * What a child process does before it must exit by itself: start a server and a client on loopback,
 * exercise them, shut both down and return. No timer, socket or listener may keep the event loop
 * alive afterwards. Variants:
 *   basic    - sync, async and oneway calls, a channel event listener on both ends
 *   pending  - a call with a 60 s timeout still pending at shutdown (short shutdownTimeoutMs)
 *   failures - a timed-out call, a refused connect, a server -> client call
 */
export async function exitAfterShutdown(lib: Lib, variant: string): Promise<void> {
  const { createRequest, createResponse, RemotingClient, RemotingServer, silentLogger } = lib;
  const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger, shutdownTimeoutMs: 100, scanIntervalMs: 50 });
  let channel: RemotingChannel | null = null;
  server.registerProcessor(1, (ctx) => {
    channel = ctx.channel;
    return createResponse(0, "ok");
  });
  server.registerProcessor(2, () => null);
  server.setChannelEventListener({ onChannelConnect() {}, onChannelClose() {} });
  await server.start();
  const client = new RemotingClient({ logger: silentLogger, shutdownTimeoutMs: 100, scanIntervalMs: 50 });
  client.setChannelEventListener({ onChannelActive() {}, onChannelClose() {} });
  client.registerProcessor(40, () => createResponse(0, "client ok"));
  const addr = `127.0.0.1:${server.port}`;

  const first = await client.invokeSync(addr, createRequest(1), 3000);
  if (first.remark !== "ok") throw new Error("unexpected answer");

  if (variant === "basic") {
    await new Promise<void>((resolve, reject) => client.invokeAsync(addr, createRequest(1), 3000, (e) => (e ? reject(e) : resolve())));
    await client.invokeOneway(addr, createRequest(1), 3000);
  } else if (variant === "pending") {
    client.invokeAsync(addr, createRequest(2), 60_000, () => {});
    await sleep(20);
  } else if (variant === "failures") {
    await client.invokeSync(addr, createRequest(2), 100).catch(() => {});
    await client.invokeSync(`127.0.0.1:${await unusedPort()}`, createRequest(1), 1000).catch(() => {});
    await client.invokeSync(addr, createRequest(1), 3000);
    const back = await server.invokeSync(channel!, createRequest(40), 3000);
    if (back.remark !== "client ok") throw new Error("server -> client call failed");
  } else {
    throw new Error(`unknown variant "${variant}"`);
  }

  await client.shutdown();
  await server.shutdown();
}
