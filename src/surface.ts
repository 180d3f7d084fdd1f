/// <reference lib="esnext.disposable" preserve="true" />
// (the endpoints are AsyncDisposable: the declarations bring the lib that declares it, whatever a consumer's `lib`)
/**
 * What both package roots export (src/index.ts under Bun, src/node-root.ts under Node): the protocol,
 * the runtime-free core, the errors, and RemotingServer / RemotingClient bound to the root's
 * transport by endpointsOn().
 */
import { RemotingClient as CoreRemotingClient } from "./core/endpoint/remoting-client.ts";
import { RemotingServer as CoreRemotingServer } from "./core/endpoint/remoting-server.ts";
import { checkOptionsObject, type ClientOptions, type ServerOptions } from "./core/options.ts";
import type { Transport } from "./core/transport.ts";

export * from "./protocol/index.ts";
export * from "./core/index.ts";
export * from "./errors.ts";
export * from "./acl/index.ts";
export * from "./workers/index.ts";
export { PROMETHEUS_CONTENT_TYPE, renderPrometheus, type PrometheusOptions, type PrometheusSource } from "./metrics/prometheus.ts";

/** What `new RemotingServer(options)` takes: every ServerOption, each optional (the README's Configuration table has their defaults), and the transport. */
export interface RemotingServerOptions extends Partial<ServerOptions> {
  /** The sockets to use; default: the entry point's (Bun's under Bun, node:net under Node; endpointsOn's transport). */
  transport?: Transport;
}
/** What `new RemotingClient(options)` takes: every ClientOption, each optional (the README's Configuration table has their defaults), and the transport. */
export interface RemotingClientOptions extends Partial<ClientOptions> {
  /** The sockets to use; default: the entry point's (Bun's under Bun, node:net under Node; endpointsOn's transport). */
  transport?: Transport;
}
export type RemotingServer = CoreRemotingServer;
export type RemotingClient = CoreRemotingClient;

/** RemotingServer and RemotingClient classes whose `transport` option defaults to one runtime's sockets (`Server` and `Client`: the types of their instances). */
export interface Endpoints<Server = RemotingServer, Client = RemotingClient> {
  /** The RemotingServer class on that transport. */
  RemotingServer: {
    /** Validates every option (a TypeError naming a bad one); nothing is opened before start(). */
    new (options?: RemotingServerOptions): Server;
  };
  /** The RemotingClient class on that transport. */
  RemotingClient: {
    /** Validates every option (a TypeError naming a bad one); connections open on first use. */
    new (options?: RemotingClientOptions): Client;
  };
}

/** RemotingServer and RemotingClient classes whose `transport` option defaults to `transport` (for a transport of your own). */
export function endpointsOn(transport: Transport): Endpoints {
  return {
    RemotingServer: class RemotingServer extends CoreRemotingServer {
      constructor(options: RemotingServerOptions = {}) {
        super({ ...checkOptionsObject("RemotingServer", options), transport: options.transport ?? transport });
      }
    },
    RemotingClient: class RemotingClient extends CoreRemotingClient {
      constructor(options: RemotingClientOptions = {}) {
        super({ ...checkOptionsObject("RemotingClient", options), transport: options.transport ?? transport });
      }
    },
  };
}
