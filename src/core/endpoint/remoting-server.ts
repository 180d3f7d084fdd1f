import { RemotingError, RemotingLifecycleError, RemotingListenError, RemotingSendRequestError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import { formatSocketAddress } from "../address.ts";
import { connectionOf, type Connection, type TlsGate } from "../connection/connection.ts";
import type { RemotingChannel } from "../inbound/processor.ts";
import { resolveServerOptions, type ServerOptions } from "../options.ts";
import { CallKind, type InvokeCallback } from "../outbound/call.ts";
import { checkCallback, invokeArgs, type InvokeOptions } from "../outbound/invoke-args.ts";
import type { SocketHandler, Transport, TransportListener, TransportSocket } from "../transport.ts";
import { EndpointCore } from "./endpoint-core.ts";
import { callForResponse, callOneway } from "./invoke-forms.ts";
import { RemotingEndpoint } from "./remoting-endpoint.ts";
import type { AbortSignalLike } from "../signal.ts";

export interface RemotingServerOptions extends Partial<ServerOptions> {
  /** The sockets to use; each runtime's entry point supplies its own. */
  transport: Transport;
}

type State = "new" | "starting" | "running" | "stopping" | "stopped";

/** The handler of a socket refused at accept (destroyed at once): no decoder or write queue for it. */
const REFUSED: SocketHandler = { onData() {}, onDrain() {}, onClose() {} };

/**
 * Accepts connections and serves requests with the registered processors (Java's
 * NettyRemotingServer); it can also call its clients back on their connections.
 */
export class RemotingServer extends RemotingEndpoint {
  readonly #core: EndpointCore;
  readonly #options: ServerOptions;
  readonly #transport: Transport;
  #listener: TransportListener | null = null;
  #state: State = "new";
  #startPromise: Promise<void> | null = null;
  #shutdownPromise: Promise<void> | null = null;
  /** Connections refused by maxConnections since the last warning (logged at most once a second). */
  #refusedConnections = 0;
  #lastRefusalLog = -Infinity;

  constructor(options: RemotingServerOptions) {
    const { transport, ...rest } = options ?? ({} as RemotingServerOptions);
    if (typeof transport?.listen !== "function") throw new TypeError('RemotingServer: option "transport" must be a Transport');
    const resolved = resolveServerOptions(rest);
    const core = new EndpointCore({ name: "server", holdInputWhenUnwritable: true }, resolved);
    super(core);
    this.#core = core;
    this.#options = resolved;
    this.#transport = transport;
  }

  /** The bound port (after start()); 0 for a server on a unix domain socket. */
  get port(): number {
    if (this.#listener === null) throw new RemotingLifecycleError("server.port is known once start() has resolved");
    return this.#listener.port;
  }

  /** Where clients reach it (after start()): "host:port" with the bound port, or "unix:<path>". */
  get address(): string {
    const { unix, host } = this.#options;
    return unix !== null ? formatSocketAddress({ path: unix }) : formatSocketAddress({ host, port: this.port });
  }

  /**
   * Resolves once listening (worker groups registered with it loaded first). Calling it again
   * returns the same promise. Rejects with a RemotingListenError when the address cannot be bound.
   */
  start(): Promise<void> {
    if (this.#state !== "new") {
      if ((this.#state === "starting" || this.#state === "running") && this.#startPromise !== null) return this.#startPromise;
      return Promise.reject(new RemotingLifecycleError(`cannot start a server that is ${this.#state}; create a new RemotingServer`));
    }
    this.#state = "starting";
    this.#startPromise = this.#listen().catch((error: unknown) => {
      this.#state = "stopped";
      throw error;
    });
    return this.#startPromise;
  }

  async #listen(): Promise<void> {
    const core = this.#core;
    await Promise.all([...core.registry.executors].map((executor) => executor.ready?.()));
    const { host, port, unix, reusePort, tls } = this.#options;
    let listener: TransportListener;
    try {
      listener = await this.#transport.listen({ host, port, path: unix, reusePort, tls }, (socket) => this.#accept(socket));
    } catch (error) {
      if (error instanceof RemotingError) throw error; // TLS material that does not load says so itself
      const address = unix !== null ? formatSocketAddress({ path: unix }) : formatSocketAddress({ host, port });
      const why = (error as { code?: string })?.code ?? (error as Error)?.message ?? String(error);
      throw new RemotingListenError(address, { cause: error, message: `cannot listen on ${address}: ${why}` });
    }
    this.#listener = listener;
    if (this.#state !== "starting") return; // shutdown() began meanwhile; it closes the listener
    this.#state = "running";
    core.startTimers();
  }

  #accept(socket: TransportSocket): SocketHandler {
    const core = this.#core;
    if (this.#state !== "running" && this.#state !== "starting") {
      socket.destroy();
      return REFUSED;
    }
    if (core.connections.size >= this.#options.maxConnections) {
      this.#refuseConnection(socket);
      return REFUSED;
    }
    const conn = core.connect(socket, socket.remoteAddress, this.#tlsGate(socket));
    core.events.emit("CONNECT", conn.remoteAddress, conn.context);
    return conn;
  }

  #tlsGate(socket: TransportSocket): TlsGate {
    return { mode: this.#options.tlsMode, canServeTls: this.#options.tls !== null && typeof socket.startTls === "function" };
  }

  /** Over maxConnections: close at once (RST frees the socket now), and say so without flooding the log. */
  #refuseConnection(socket: TransportSocket): void {
    socket.destroy();
    this.#refusedConnections++;
    const now = this.#core.coarseNow();
    if (now - this.#lastRefusalLog >= 1000) {
      this.#core.logger.warn(
        `server: ${this.#core.connections.size} connections open (maxConnections ${this.#options.maxConnections}); closed ${this.#refusedConnections} new connection(s), the last from ${socket.remoteAddress}`,
      );
      this.#refusedConnections = 0;
      this.#lastRefusalLog = now;
    }
  }

  /** Calls the client on `channel` (a processor's ctx.channel) and resolves with its response. */
  invokeSync(channel: RemotingChannel, request: RemotingCommand, timeoutOrOptions?: number | InvokeOptions): Promise<RemotingCommand> {
    const conn = this.#own("invokeSync", channel);
    const { timeoutMs, signal } = invokeArgs("invokeSync", request, timeoutOrOptions, this.#options.invokeTimeoutMs);
    return callForResponse((callback) => this.#invoke(conn, request, timeoutMs, signal, CallKind.Sync, callback));
  }

  /** Calls the client on `channel`; `callback` gets the response or the error, exactly once. */
  invokeAsync(channel: RemotingChannel, request: RemotingCommand, timeoutOrOptions: number | InvokeOptions | undefined, callback: InvokeCallback): void {
    const conn = this.#own("invokeAsync", channel);
    const { timeoutMs, signal } = invokeArgs("invokeAsync", request, timeoutOrOptions, this.#options.invokeTimeoutMs);
    checkCallback("invokeAsync", callback);
    this.#invoke(conn, request, timeoutMs, signal, CallKind.Async, callback);
  }

  /** Sends a request that is never answered; resolves once it is handed to the socket. */
  invokeOneway(channel: RemotingChannel, request: RemotingCommand, timeoutOrOptions?: number | InvokeOptions): Promise<void> {
    const conn = this.#own("invokeOneway", channel);
    const { timeoutMs, signal } = invokeArgs("invokeOneway", request, timeoutOrOptions, this.#options.invokeTimeoutMs);
    return callOneway((callback) => this.#invoke(conn, request, timeoutMs, signal, CallKind.Oneway, callback));
  }

  #invoke(conn: Connection, request: RemotingCommand, timeoutMs: number, signal: AbortSignalLike | null, kind: CallKind, callback: InvokeCallback): void {
    const core = this.#core;
    const addr = conn.remoteAddress;
    if (core.stopping) {
      callback(new RemotingSendRequestError(addr, { message: `send request to ${addr} failed: the server is shut down` }));
      return;
    }
    if (!conn.isActive) {
      callback(new RemotingSendRequestError(addr, { message: `send request to ${addr} failed: the channel is closed` }));
      return;
    }
    const call = core.calls.start(request, timeoutMs, signal, addr, kind, callback);
    if (call !== null) core.calls.dispatch(conn, call);
  }

  /** A connection this server accepted; anything else is a programming error. */
  #own(method: string, channel: RemotingChannel): Connection {
    const conn = connectionOf(channel);
    if (conn === undefined || !conn.belongsTo(this.#core)) {
      throw new TypeError(`${method}: channel must be a connection of this server (a processor's ctx.channel)`);
    }
    return conn;
  }

  /**
   * Stops accepting; requests not started yet are answered (GO_AWAY to 5.3.2+ clients when
   * goAwayOnShutdown, else SYSTEM_BUSY) and processors' signals aborted; running requests finish (up
   * to shutdownTimeoutMs); then every connection closes and what is pending fails. Idempotent;
   * always resolves, and nothing of the server runs afterwards.
   */
  shutdown(): Promise<void> {
    this.#shutdownPromise ??= this.#shutdown();
    return this.#shutdownPromise;
  }

  async #shutdown(): Promise<void> {
    const core = this.#core;
    const wasStarting = this.#state === "starting";
    this.#state = "stopping";
    if (wasStarting) await this.#startPromise?.catch(() => {});
    this.#listener?.close();
    core.beginShutdown(this.#options.goAwayOnShutdown);
    try {
      await core.drain(this.#options.shutdownTimeoutMs);
    } finally {
      await core.finishShutdown("the server shut down");
      this.#state = "stopped";
    }
  }
}
