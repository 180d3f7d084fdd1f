import { backpressure } from "./backpressure.ts";
import { bodies } from "./bodies.ts";
import { cancellation } from "./cancellation.ts";
import { commandReuse, forwardedRequests } from "./command-reuse.ts";
import { connectionClose } from "./connection-close.ts";
import { deadlines } from "./deadlines.ts";
import { dispatch } from "./dispatch.ts";
import { endedCalls } from "./ended-calls.ts";
import { errorCauses } from "./error-causes.ts";
import { hostilePeers } from "./hostile-peers.ts";
import { invoke, refusedCalls, serverCalls, wrongArguments } from "./invoke.ts";
import { largeBodies } from "./large-bodies.ts";
import { nameServers } from "./name-servers.ts";
import { observability } from "./observability.ts";
import { processorContext } from "./processor-context.ts";
import { processorResults } from "./processor-results.ts";
import { proxyProtocol } from "./proxy-protocol.ts";
import { publicSurface } from "./public-surface.ts";
import type { ScenarioGroup } from "./scenario.ts";
import { shutdown } from "./shutdown.ts";
import { shutdownQueue } from "./shutdown-queue.ts";
import { slowConsumers } from "./slow-consumers.ts";
import { subServers } from "./sub-servers.ts";
import { timeouts } from "./timeouts.ts";
import { unixSockets } from "./unix-sockets.ts";
import { workerGroupMisuse } from "./worker-group-misuse.ts";
import { workerGroups } from "./worker-groups.ts";

/** Every scenario group, in the order they run. */
export const allGroups: readonly ScenarioGroup[] = [
  dispatch,
  invoke,
  refusedCalls,
  wrongArguments,
  serverCalls,
  timeouts,
  connectionClose,
  nameServers,
  largeBodies,
  hostilePeers,
  backpressure,
  shutdown,
  workerGroups,
  observability,
  unixSockets,
  subServers,
  proxyProtocol,
  // What an outside test found a demanding user and an attacker can do (misuse and overload).
  processorResults,
  processorContext,
  commandReuse,
  forwardedRequests,
  bodies,
  errorCauses,
  cancellation,
  deadlines,
  endedCalls,
  slowConsumers,
  shutdownQueue,
  workerGroupMisuse,
  publicSurface,
];
