import { RemotingLifecycleError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { ChannelEventListener } from "../observability/channel-events.ts";
import { Connection, type TlsGate } from "../connection/connection.ts";
import type { RequestExecutor } from "../inbound/executor.ts";
import { checkCallback, checkInvokeArgs } from "../outbound/invoke-args.ts";
import type { IoWorkerLauncher, IoWorkerPool } from "../io-workers.ts";
import { resolveServerOptions, type ServerOptions } from "../options.ts";
import type { InvokeCallback } from "../outbound/call.ts";
import type { RemotingChannel, RequestProcessor } from "../inbound/processor.ts";
import { RemotingEndpoint } from "./remoting-endpoint.ts";
import type { RPCHook } from "../rpc-hook.ts";
import type { SocketHandler, Transport, TransportListener, TransportSocket } from "../transport.ts";

export interface RemotingServerOptions extends Partial<ServerOptions> {
  /** The sockets to use; each runtime's entry point supplies its own. */
  transport: Transport;
  /** Starts I/O workers (option ioWorkers); supplied by the entry points of runtimes that have them. */
  ioWorkerLauncher?: IoWorkerLauncher;
}

type State = "new" | "starting" | "running" | "stopping" | "stopped";

/** The handler of a socket refused at accept (destroyed at once): no decoder or write queue for it. */
const REFUSED: SocketHandler = { onData() {}, onDrain() {}, onClose() {} };

/**
 * Accepts connections and serves requests with the registered processors (Java's
 * NettyRemotingServer); it can also call its clients back on their connections.
 */
export class RemotingServer extends RemotingEndpoint {
  readonly role = "server";
  declare readonly options: ServerOptions;
  private readonly transport: Transport;
  private readonly ioWorkerLauncher: IoWorkerLauncher | null;
  /** What listens: the transport's listener, or the I/O workers (each listening itself). */
  private listener: TransportListener | IoWorkerPool | null = null;
  private state: State = "new";
  private startPromise: Promise<void> | null = null;
  private shutdownPromise: Promise<void> | null = null;
  /** Connections refused by maxConnections since the last warning (logged at most once a second). */
  private refusedConnections = 0;
  private lastRefusalLog = -Infinity;

  constructor(options: RemotingServerOptions) {
    const { transport, ioWorkerLauncher, ...rest } = options ?? ({} as RemotingServerOptions);
    if (typeof transport?.listen !== "function") throw new TypeError("RemotingServer: option \"transport\" must be a Transport");
    super(resolveServerOptions(rest));
    this.transport = transport;
    this.ioWorkerLauncher = ioWorkerLauncher ?? null;
    if (this.options.ioWorkers > 0 && this.ioWorkerLauncher === null) {
      throw new TypeError(`RemotingServer: option "ioWorkers" is not supported with the ${transport.name} transport on this runtime`);
    }
  }

  /** With I/O workers, processors, hooks and listeners live in the workers (ioWorkerModule). */
  private refuseWithIoWorkers(method: string): void {
    if (this.options.ioWorkers > 0) {
      throw new TypeError(`${method}: this server runs ${this.options.ioWorkers} I/O workers; register in the setup(server) of its ioWorkerModule instead`);
    }
  }

  override registerProcessor(code: number, processor: RequestProcessor | string, executor?: RequestExecutor): void {
    this.refuseWithIoWorkers("registerProcessor");
    super.registerProcessor(code, processor, executor);
  }

  override registerDefaultProcessor(processor: RequestProcessor | string, executor?: RequestExecutor): void {
    this.refuseWithIoWorkers("registerDefaultProcessor");
    super.registerDefaultProcessor(processor, executor);
  }

  override registerRPCHook(hook: RPCHook): void {
    this.refuseWithIoWorkers("registerRPCHook");
    super.registerRPCHook(hook);
  }

  override setChannelEventListener(listener: ChannelEventListener | null): void {
    this.refuseWithIoWorkers("setChannelEventListener");
    super.setChannelEventListener(listener);
  }

  /** The bound port (after start()). */
  get port(): number {
    if (this.listener === null) throw new RemotingLifecycleError("server.port is known once start() has resolved");
    return this.listener.port;
  }

  /** Resolves once listening. Calling it again returns the same promise. */
  start(): Promise<void> {
    if (this.state !== "new") {
      if ((this.state === "starting" || this.state === "running") && this.startPromise !== null) return this.startPromise;
      return Promise.reject(new RemotingLifecycleError(`cannot start a server that is ${this.state}; create a new RemotingServer`));
    }
    this.state = "starting";
    const { host, port, reusePort, ioWorkers, tls } = this.options;
    const listening =
      ioWorkers > 0 ? this.ioWorkerLauncher!(this.options) : this.transport.listen({ host, port, reusePort, tls }, (socket) => this.accept(socket));
    this.startPromise = listening
      .then((listener) => {
        this.listener = listener;
        if (this.state !== "starting") return; // shutdown() began meanwhile; it closes the listener
        this.state = "running";
        this.startTimers();
      })
      .catch((error: unknown) => {
        this.state = "stopped";
        throw error;
      });
    return this.startPromise;
  }

  private accept(socket: TransportSocket): SocketHandler {
    if (this.state !== "running" && this.state !== "starting") {
      socket.destroy();
      return REFUSED;
    }
    if (this.connections.size >= this.options.maxConnections) {
      this.refuseConnection(socket);
      return REFUSED;
    }
    const conn = new Connection(this, socket, socket.remoteAddress, this.tlsGate(socket));
    this.connections.add(conn);
    this.events.emit("CONNECT", conn.remoteAddress, conn);
    return conn;
  }

  private tlsGate(socket: TransportSocket): TlsGate {
    return { mode: this.options.tlsMode, canServeTls: this.options.tls !== null && typeof socket.startTls === "function" };
  }

  /** Over maxConnections: close at once (RST frees the socket now), and say so without flooding the log. */
  private refuseConnection(socket: TransportSocket): void {
    socket.destroy();
    this.refusedConnections++;
    const now = this.now();
    if (now - this.lastRefusalLog >= 1000) {
      this.logger.warn(
        `server: ${this.connections.size} connections open (maxConnections ${this.options.maxConnections}); closed ${this.refusedConnections} new connection(s), the last from ${socket.remoteAddress}`,
      );
      this.refusedConnections = 0;
      this.lastRefusalLog = now;
    }
  }

  /** A connection this server accepted; anything else is a programming error. */
  private own(method: string, channel: RemotingChannel): Connection {
    if (!(channel instanceof Connection) || channel.endpoint !== this) {
      throw new TypeError(`${method}: channel must be a connection of this server (ctx.channel)`);
    }
    return channel;
  }

  /** Calls the client on `channel` and resolves with its response. */
  invokeSync(channel: RemotingChannel, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    checkInvokeArgs("invokeSync", request, timeoutMs);
    const conn = this.own("invokeSync", channel);
    return new Promise((resolve, reject) => {
      this.invokeOnConnection(conn, request, timeoutMs, false, (error, response) => (error === null ? resolve(response!) : reject(error)));
    });
  }

  /** Calls the client on `channel`; `callback` gets the response or the error, once. */
  invokeAsync(channel: RemotingChannel, request: RemotingCommand, timeoutMs: number, callback: InvokeCallback): void {
    checkInvokeArgs("invokeAsync", request, timeoutMs);
    checkCallback("invokeAsync", callback);
    this.invokeOnConnection(this.own("invokeAsync", channel), request, timeoutMs, false, callback);
  }

  /** Sends a request that is never answered; resolves once it is queued on the connection. */
  invokeOneway(channel: RemotingChannel, request: RemotingCommand, timeoutMs: number): Promise<void> {
    checkInvokeArgs("invokeOneway", request, timeoutMs);
    const conn = this.own("invokeOneway", channel);
    return new Promise((resolve, reject) => {
      this.invokeOnConnection(conn, request, timeoutMs, true, (error) => (error === null ? resolve() : reject(error)));
    });
  }

  protected override onBackpressure(conn: Connection, writable: boolean): void {
    if (writable) conn.releaseInput();
    else conn.holdInput();
  }

  /**
   * Stops accepting, lets in-flight requests finish (up to shutdownTimeoutMs), then closes every
   * connection and fails what is still pending. Idempotent; always resolves.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    const wasStarting = this.state === "starting";
    this.state = "stopping";
    if (wasStarting) await this.startPromise?.catch(() => {});
    await this.listener?.close(); // I/O workers: resolves once their servers shut down
    this.goingAway = this.options.goAwayOnShutdown;
    try {
      await this.drain(this.options.shutdownTimeoutMs);
    } finally {
      this.stopTimers();
      this.closeEverything("the server shut down");
      this.state = "stopped";
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
