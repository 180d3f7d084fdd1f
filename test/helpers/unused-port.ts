import * as net from "node:net";
import { HOST } from "./raw-peers.ts";

/** A port on 127.0.0.1 that nothing listens on (bound, read, released), on node:net (both runtimes). */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: HOST, port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
