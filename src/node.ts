/**
 * `bun-remoting/node` (Node and Bun): the package surface with RemotingServer / RemotingClient on
 * node:net sockets (node:tls for TLS) whatever the runtime, and nodeTransport itself.
 */
import { endpointsOn, type RemotingClient as Client, type RemotingClientOptions, type RemotingServer as Server, type RemotingServerOptions } from "./surface.ts";
import { nodeTransport } from "./transport/node.ts";

export * from "./surface.ts";
export { nodeTransport };

const endpoints = endpointsOn(nodeTransport);
/** A RemotingServer on node:net sockets (pass `transport` to use another). */
export const RemotingServer: new (options?: RemotingServerOptions) => RemotingServer = endpoints.RemotingServer;
/** (An interface, so that a consumer's declarations can name the type of a server made here.) */
export interface RemotingServer extends Server {}
/** A RemotingClient on node:net sockets (pass `transport` to use another). */
export const RemotingClient: new (options?: RemotingClientOptions) => RemotingClient = endpoints.RemotingClient;
/** (An interface, so that a consumer's declarations can name the type of a client made here.) */
export interface RemotingClient extends Client {}
