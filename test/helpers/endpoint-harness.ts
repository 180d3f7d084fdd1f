import type {
  createResponse as CreateResponse,
  ProcessorContext,
  RemotingClient,
  RemotingClientOptions,
  RemotingCommand,
  RemotingServer,
  RemotingServerOptions,
  Endpoints,
  Logger,
} from "../../src/surface.ts";
import { within } from "./promises.ts";
import { HOST, RawClient, RawServer, type Codec, type RawConnection } from "./raw-peers.ts";

/**
 * Servers and clients on loopback that are always shut down, for whichever build of the library a
 * test runs against (the sources under Bun, the built package under Node): it is given the
 * library's classes instead of importing them.
 */

export { HOST };

export const addrOf = (server: RemotingServer | { port: number }): string => `${HOST}:${server.port}`;

/** What the harness needs from the library under test. */
export type HarnessLib = Endpoints & Codec & { silentLogger: Logger };

/** The processor of RocketMQ's RemotingServerTest: echoes the request back, remark "Hi <addr>". */
export function echoProcessor(createResponse: typeof CreateResponse) {
  return (ctx: ProcessorContext, request: RemotingCommand): RemotingCommand =>
    createResponse(0, `Hi ${ctx.remoteAddress}`, {
      extFields: request.extFields === null ? null : { ...request.extFields },
      body: request.body,
      serializeType: request.serializeType,
    });
}

/**
 * Owns everything a test opens and closes it afterwards, newest first. Servers and clients get a
 * silent logger and a short shutdownTimeoutMs unless the test says otherwise, so a test that leaves
 * a call pending does not make cleanup wait seconds.
 */
export class EndpointHarness {
  private cleanups: (() => unknown)[] = [];

  constructor(private readonly endpoints: HarnessLib) {}

  defer(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** A started server on 127.0.0.1, port 0; `setup` runs before start() (register processors there). */
  async server(options: RemotingServerOptions = {}, setup?: (server: RemotingServer) => void): Promise<RemotingServer> {
    const server = this.newServer(options);
    setup?.(server);
    await server.start();
    return server;
  }

  /** A server that is not started yet (still shut down after the test). */
  newServer(options: RemotingServerOptions = {}): RemotingServer {
    const where = options.unix == null ? { host: HOST, port: 0 } : {}; // a unix socket takes neither
    const server = new this.endpoints.RemotingServer({ ...where, logger: this.endpoints.silentLogger, shutdownTimeoutMs: 200, ...options });
    this.defer(() => server.shutdown());
    return server;
  }

  client(options: RemotingClientOptions = {}): RemotingClient {
    const client = new this.endpoints.RemotingClient({ logger: this.endpoints.silentLogger, shutdownTimeoutMs: 200, ...options });
    this.defer(() => client.shutdown());
    return client;
  }

  /** A raw client connected to `port` (see raw-peers.ts), reset after the test. */
  async rawClient(port: number, options?: { allowHalfOpen?: boolean }): Promise<RawClient> {
    const raw = await RawClient.connect(this.endpoints, port, options);
    this.defer(() => raw.reset());
    return raw;
  }

  /** A raw listener on 127.0.0.1 (see raw-peers.ts), stopped after the test. */
  async rawServer(onRequest?: (conn: RawConnection, request: RemotingCommand) => void): Promise<RawServer> {
    const raw = await RawServer.start(this.endpoints, onRequest);
    this.defer(() => raw.stop());
    return raw;
  }

  async cleanup(): Promise<void> {
    const cleanups = this.cleanups.reverse();
    this.cleanups = [];
    for (const cleanup of cleanups) {
      try {
        await within(Promise.resolve(cleanup()), 3000, "cleanup");
      } catch {
        // keep cleaning up; the test itself reports what went wrong
      }
    }
  }
}
