/**
 * bun-remoting: Apache RocketMQ's remoting protocol for Bun. This is the package root under Bun:
 * the protocol, the runtime-free core, and RemotingServer / RemotingClient on Bun sockets.
 */
import { endpointsOn, type RemotingClient as Client, type RemotingServer as Server } from "./surface.ts";
import { bunTransport } from "./transport/bun.ts";

export * from "./surface.ts";
export { bunTransport };

const endpoints = endpointsOn(bunTransport);
/** A RemotingServer on Bun sockets (pass `transport` to use another). */
export const RemotingServer = endpoints.RemotingServer;
export type RemotingServer = Server;
/** A RemotingClient on Bun sockets (pass `transport` to use another). */
export const RemotingClient = endpoints.RemotingClient;
export type RemotingClient = Client;
