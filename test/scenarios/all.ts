import { backpressure } from "./backpressure.ts";
import { connectionClose } from "./connection-close.ts";
import { dispatch } from "./dispatch.ts";
import { hostilePeers } from "./hostile-peers.ts";
import { invoke, serverCalls } from "./invoke.ts";
import { largeBodies } from "./large-bodies.ts";
import { nameServers } from "./name-servers.ts";
import { observability } from "./observability.ts";
import { proxyProtocol } from "./proxy-protocol.ts";
import type { ScenarioGroup } from "./scenario.ts";
import { shutdown } from "./shutdown.ts";
import { subServers } from "./sub-servers.ts";
import { timeouts } from "./timeouts.ts";
import { unixSockets } from "./unix-sockets.ts";
import { workerGroups } from "./worker-groups.ts";

/** Every scenario group, in the order they run. */
export const allGroups: readonly ScenarioGroup[] = [dispatch, invoke, serverCalls, timeouts, connectionClose, nameServers, largeBodies, hostilePeers, backpressure, shutdown, workerGroups, observability, unixSockets, subServers, proxyProtocol];
