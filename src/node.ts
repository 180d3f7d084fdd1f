/**
 * bun-remoting under Node (and the explicit `bun-remoting/node` entry): the same surface as the
 * Bun root, with RemotingServer / RemotingClient on node:net sockets (node:tls for TLS).
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
