/// <reference lib="esnext.disposable" preserve="true" />
// (the endpoints are AsyncDisposable: the declarations bring the lib that declares it, whatever a consumer's `lib`)
/**
 * What both package roots export (src/index.ts under Bun, src/node.ts under Node): the protocol,
 * the runtime-free core, the errors, and RemotingServer / RemotingClient bound to the root's
 * transport by endpointsOn().
 */
import { RemotingClient as CoreRemotingClient, type RemotingClientOptions as CoreClientOptions } from "./core/remoting-client.ts";
import { RemotingServer as CoreRemotingServer, type RemotingServerOptions as CoreServerOptions } from "./core/remoting-server.ts";
import type { IoWorkerLauncher } from "./core/io-workers.ts";
import type { Transport } from "./core/transport.ts";

export * from "./protocol/index.ts";
export * from "./core/index.ts";
export * from "./errors.ts";
export * from "./acl/index.ts";
export * from "./workers/index.ts";
export * from "./rocketmq/index.ts";

export type RemotingServerOptions = Omit<CoreServerOptions, "transport"> & Partial<Pick<CoreServerOptions, "transport">>;
export type RemotingClientOptions = Omit<CoreClientOptions, "transport"> & Partial<Pick<CoreClientOptions, "transport">>;
export type RemotingServer = CoreRemotingServer;
export type RemotingClient = CoreRemotingClient;

/** RemotingServer and RemotingClient whose `transport` option defaults to one runtime's sockets. */
export interface Endpoints {
  RemotingServer: new (options?: RemotingServerOptions) => RemotingServer;
  RemotingClient: new (options?: RemotingClientOptions) => RemotingClient;
}

/** `ioWorkerLauncher`: how this runtime starts I/O worker threads (Bun); without it ioWorkers is refused. */
export function endpointsOn(transport: Transport, ioWorkerLauncher?: IoWorkerLauncher): Endpoints {
  return {
    RemotingServer: class RemotingServer extends CoreRemotingServer {
      constructor(options: RemotingServerOptions = {}) {
        super({ ...options, transport: options.transport ?? transport, ioWorkerLauncher: options.ioWorkerLauncher ?? ioWorkerLauncher });
      }
    },
    RemotingClient: class RemotingClient extends CoreRemotingClient {
      constructor(options: RemotingClientOptions = {}) {
        super({ ...options, transport: options.transport ?? transport });
      }
    },
  };
}
