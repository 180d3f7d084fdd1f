/**
 * bun-remoting: Apache RocketMQ's remoting protocol for Bun. This is the package root under Bun:
 * the protocol, the runtime-free core, and RemotingServer / RemotingClient on Bun sockets.
 */
import { RemotingClient as CoreRemotingClient, type RemotingClientOptions as CoreClientOptions } from "./core/remoting-client.ts";
import { RemotingServer as CoreRemotingServer, type RemotingServerOptions as CoreServerOptions } from "./core/remoting-server.ts";
import { bunTransport } from "./transport/bun.ts";
import { launchIoWorkers } from "./workers/io-worker-pool.ts";

export * from "./protocol/index.ts";
export * from "./core/index.ts";
export * from "./errors.ts";
export * from "./workers/index.ts";
export { bunTransport };

export type RemotingServerOptions = Omit<CoreServerOptions, "transport"> & Partial<Pick<CoreServerOptions, "transport">>;
export type RemotingClientOptions = Omit<CoreClientOptions, "transport"> & Partial<Pick<CoreClientOptions, "transport">>;

/** A RemotingServer on Bun sockets (pass `transport` to use another); `ioWorkers` spreads it over threads. */
export class RemotingServer extends CoreRemotingServer {
  constructor(options: RemotingServerOptions = {}) {
    super({ ...options, transport: options.transport ?? bunTransport, ioWorkerLauncher: options.ioWorkerLauncher ?? launchIoWorkers });
  }
}

/** A RemotingClient on Bun sockets (pass `transport` to use another). */
export class RemotingClient extends CoreRemotingClient {
  constructor(options: RemotingClientOptions = {}) {
    super({ ...options, transport: options.transport ?? bunTransport });
  }
}
