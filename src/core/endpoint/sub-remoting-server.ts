import { RemotingLifecycleError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { Connection, ConnectionLimits, ConnectionOwner, RequestSink, ResponseSink } from "../connection/connection.ts";
import type { RequestExecutor } from "../inbound/executor.ts";
import type { RequestProcessor } from "../inbound/processor.ts";
import { ProcessorRegistry } from "../inbound/processor-registry.ts";
import type { ServerOptions } from "../options.ts";
import type { Transport } from "../transport.ts";
import type { EndpointCore } from "./endpoint-core.ts";
import { ServerPort } from "./server-port.ts";

/** Options of server.newRemotingServer(): where the extra port listens, and whether it inherits processors. */
export interface SubRemotingServerOptions {
  /** Port to bind (0 picks a free one); with `unix`, leave it out. */
  port?: number;
  /** Address to bind; default the server's `host`. */
  host?: string;
  /** A unix domain socket instead of host and port. */
  unix?: string;
  /**
   * Requests for codes this sub-server has no processor (nor default processor) for go to the main
   * server's processors. Default false, as Java's sub-servers: such a request is answered
   * REQUEST_CODE_NOT_SUPPORTED.
   */
  inheritProcessors?: boolean;
}

/** A sub-server's connections: everything as the server's core does it, with the sub-server's processors. */
class SubServerOwner implements ConnectionOwner, RequestSink {
  constructor(
    private readonly core: EndpointCore,
    private readonly registry: ProcessorRegistry,
  ) {}

  get limits(): ConnectionLimits {
    return this.core.limits;
  }

  coarseNow(): number {
    return this.core.coarseNow();
  }

  get requestSink(): RequestSink {
    return this;
  }

  get responseSink(): ResponseSink {
    return this.core.calls;
  }

  admits(conn: Connection): boolean {
    return this.core.inbound.admits(conn);
  }

  onRequest(conn: Connection, request: RemotingCommand): void {
    this.core.inbound.onRequest(conn, request, this.registry);
  }

  onWritable(conn: Connection, writable: boolean): void {
    this.core.onWritable(conn, writable);
  }

  onProtocolError(conn: Connection, error: Error): void {
    this.core.onProtocolError(conn, error);
  }

  onClosing(conn: Connection, reason: Error | undefined): void {
    this.core.onClosing(conn, reason);
  }

  onClosed(conn: Connection, reason: Error | undefined): void {
    this.core.onClosed(conn, reason);
  }

  writeResponse(conn: Connection, request: RemotingCommand, response: RemotingCommand): void {
    this.core.writeResponse(conn, request, response);
  }
}

/**
 * Another port served by a RemotingServer (Java 5's sub-servers, RIP-31): its own processors and
 * default processor, and the server's executors, hooks, channel events, stats, limits and shutdown.
 * Calls back to its clients go through the server (`server.invokeSync(ctx.channel, ...)`).
 */
export class SubRemotingServer {
  readonly #core: EndpointCore;
  readonly #registry: ProcessorRegistry;
  readonly #owner: SubServerOwner;
  readonly #port: ServerPort;
  readonly #transport: Transport;
  #starting: Promise<void> | null = null;

  /** @internal */
  constructor(core: EndpointCore, options: ServerOptions, transport: Transport, sub: Required<Pick<SubRemotingServerOptions, "inheritProcessors">> & { host: string; port: number; unix: string | null }) {
    this.#core = core;
    this.#transport = transport;
    this.#registry = new ProcessorRegistry(core.defaultExecutor, sub.inheritProcessors ? core.registry : null, core.registry);
    this.#owner = new SubServerOwner(core, this.#registry);
    this.#port = new ServerPort(core, options, { host: sub.host, port: sub.port, unix: sub.unix, reusePort: false }, this.#owner);
  }

  /** Serves requests with `code` on this port (see RemotingServer.registerProcessor). */
  registerProcessor(code: number, processor: RequestProcessor | string, executor?: RequestExecutor): void {
    this.#registry.register(code, processor, executor);
    this.#core.traffic.served.track(code);
  }

  /** Serves the codes that have no processor of their own on this port. */
  registerDefaultProcessor(processor: RequestProcessor | string, executor?: RequestExecutor): void {
    this.#registry.registerDefault(processor, executor);
  }

  /** Binds the port (worker groups registered with it loaded first); calling it again returns the same promise. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      await this.#registry.whenReady();
      if (this.#core.stopping) throw new RemotingLifecycleError("cannot start a sub-server of a server that is shutting down");
      await this.#port.listen(this.#transport);
    })();
    return this.#starting;
  }

  /** The bound port (after start()); 0 on a unix socket. */
  get port(): number {
    return this.#port.port;
  }

  /** "host:port" or "unix:<path>" (after start()). */
  get address(): string {
    return this.#port.address;
  }

  /** Stops accepting on this port and closes its connections (their pending calls fail); the server goes on. */
  close(): void {
    this.stopAccepting();
    for (const conn of [...this.#core.connections]) if (conn.belongsTo(this.#owner)) conn.close();
  }

  /** @internal The server's shutdown: no new connections; the open ones drain with the server's. */
  stopAccepting(): void {
    this.#port.close();
  }

  /** @internal Whether `conn` came in on this port. */
  owns(conn: Connection): boolean {
    return conn.belongsTo(this.#owner);
  }
}
