/**
 * bun-remoting: Apache RocketMQ's remoting protocol. The package root: the protocol, the
 * runtime-free core, the errors, and RemotingServer / RemotingClient on the running runtime's
 * sockets. This file is the root under Bun (on Bun sockets); under Node the root is node-root.ts,
 * with the same names (declared once, by this file's declarations).
 */
import { endpointsOn, type Endpoints, type RemotingClient as Client, type RemotingServer as Server } from "./surface.ts";
import { bunTransport } from "./transport/bun.ts";

export * from "./surface.ts";

const endpoints = endpointsOn(bunTransport);
/** A RemotingServer on the running runtime's sockets: Bun's under Bun, node:net under Node (pass `transport` to use another). */
export const RemotingServer: Endpoints<RemotingServer>["RemotingServer"] = endpoints.RemotingServer;
/**
 * A server: accepts connections and serves requests with the registered processors (Java's
 * NettyRemotingServer), calls its clients back on their connections, and serves more ports with
 * newRemotingServer. (Declared as an interface so that a consumer's declarations can name it.)
 */
export interface RemotingServer extends Server {}
/** A RemotingClient on the running runtime's sockets: Bun's under Bun, node:net under Node (pass `transport` to use another). */
export const RemotingClient: Endpoints<RemotingServer, RemotingClient>["RemotingClient"] = endpoints.RemotingClient;
/**
 * A client: calls servers by address ("host:port", "unix:/path", or null for a name server), one
 * connection per address (Java's NettyRemotingClient), and serves the requests servers send it with
 * its own processors. (Declared as an interface so that a consumer's declarations can name it.)
 */
export interface RemotingClient extends Client {}
