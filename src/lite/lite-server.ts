import { RemotingServer } from "../core/endpoint/remoting-server.ts";
import type { ServerOptions } from "../core/options.ts";
import type { Transport } from "../core/transport.ts";
import { runtimeTransport } from "../transport/runtime.ts";

/** The server options of a lite name server or broker: any RemotingServer option, and its sockets. */
export interface LiteServerOptions extends Partial<ServerOptions> {
  /** The sockets; default: the running runtime's (Bun's under Bun, node:net under Node). */
  transport?: Transport;
}

/** A started RemotingServer on the running runtime's sockets (unless `options.transport`), with `setup`'s processors. */
export async function openLiteServer(options: LiteServerOptions, setup: (server: RemotingServer) => void): Promise<RemotingServer> {
  const transport = options.transport ?? (await runtimeTransport());
  const server = new RemotingServer({ ...options, transport });
  setup(server);
  await server.start();
  return server;
}
