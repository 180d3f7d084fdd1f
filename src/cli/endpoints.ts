import { endpointsOn } from "../surface.ts";
import { bunTransport } from "../transport/bun.ts";
import { nodeTransport } from "../transport/node.ts";

/** The CLI runs on Bun (from the sources) and on Node (from dist/): the runtime's own sockets. */
export const { RemotingServer, RemotingClient } = endpointsOn(process.versions.bun !== undefined ? bunTransport : nodeTransport);
