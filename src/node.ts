/**
 * `bun-remoting/node` (Node and Bun): the package surface with RemotingServer / RemotingClient on
 * node:net sockets (node:tls for TLS) whatever the runtime, and nodeTransport itself.
 */
import { endpointsOn, type Endpoints, type RemotingClient as Client, type RemotingServer as Server } from "./surface.ts";
import { nodeTransport } from "./transport/node.ts";

export * from "./surface.ts";
export { nodeTransport };

const endpoints = endpointsOn(nodeTransport);
/** A RemotingServer on node:net sockets (pass `transport` to use another). */
export const RemotingServer: Endpoints<RemotingServer>["RemotingServer"] = endpoints.RemotingServer;
/** (An interface, so that a consumer's declarations can name the type of a server made here.) */
export interface RemotingServer extends Server {}
/** A RemotingClient on node:net sockets (pass `transport` to use another). */
export const RemotingClient: Endpoints<RemotingServer, RemotingClient>["RemotingClient"] = endpoints.RemotingClient;
/** (An interface, so that a consumer's declarations can name the type of a client made here.) */
export interface RemotingClient extends Client {}
