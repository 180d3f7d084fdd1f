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
/**
 * A server: accepts connections and serves requests with the registered processors (Java's
 * NettyRemotingServer), calls its clients back on their connections, and serves more ports with
 * newRemotingServer. (Declared as an interface so that a consumer's declarations can name it.)
 */
export interface RemotingServer extends Server {}
/** A RemotingClient on node:net sockets (pass `transport` to use another). */
export const RemotingClient: Endpoints<RemotingServer, RemotingClient>["RemotingClient"] = endpoints.RemotingClient;
/**
 * A client: calls servers by address ("host:port", "unix:/path", or null for a name server), one
 * connection per address (Java's NettyRemotingClient), and serves the requests servers send it with
 * its own processors. (Declared as an interface so that a consumer's declarations can name it.)
 */
export interface RemotingClient extends Client {}
