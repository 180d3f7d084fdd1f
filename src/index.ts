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
/** (An interface, so that a consumer's declarations can name the type of a server made here.) */
export interface RemotingServer extends Server {}
/** A RemotingClient on the running runtime's sockets: Bun's under Bun, node:net under Node (pass `transport` to use another). */
export const RemotingClient: Endpoints<RemotingServer, RemotingClient>["RemotingClient"] = endpoints.RemotingClient;
/** (An interface, so that a consumer's declarations can name the type of a client made here.) */
export interface RemotingClient extends Client {}
