/**
 * `bun-remoting/node` (Node and Bun): the package surface with RemotingServer / RemotingClient on
 * node:net sockets (node:tls for TLS) whatever the runtime, and nodeTransport itself.
 */
import { endpointsOn, type RemotingClient as Client, type RemotingServer as Server } from "./surface.ts";
import { nodeTransport } from "./transport/node.ts";

export * from "./surface.ts";
export { nodeTransport };

const endpoints = endpointsOn(nodeTransport);
/** A RemotingServer on node:net sockets (pass `transport` to use another). */
export const RemotingServer = endpoints.RemotingServer;
export type RemotingServer = Server;
/** A RemotingClient on node:net sockets (pass `transport` to use another). */
export const RemotingClient = endpoints.RemotingClient;
export type RemotingClient = Client;
