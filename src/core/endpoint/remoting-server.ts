import { RemotingLifecycleError, RemotingSendRequestError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import { connectionOf, type Connection } from "../connection/connection.ts";
import type { RemotingChannel } from "../inbound/processor.ts";
import { checkOptionsObject, resolveServerOptions, type ServerOptions } from "../options.ts";
import { CallKind, type InvokeCallback } from "../outbound/call.ts";
import { checkCallback, invokeArgs, type InvokeOptions } from "../outbound/invoke-args.ts";
import type { Transport } from "../transport.ts";
import { EndpointCore } from "./endpoint-core.ts";
import { callForResponse, callOneway } from "./invoke-forms.ts";
import { RemotingEndpoint } from "./remoting-endpoint.ts";
import { ServerPort } from "./server-port.ts";
import { SubRemotingServer, type SubRemotingServerOptions } from "./sub-remoting-server.ts";
import type { AbortSignalLike } from "../signal.ts";

export interface RemotingServerOptions extends Partial<ServerOptions> {
  /** The sockets to use; each runtime's entry point supplies its own. */
  transport: Transport;
}

type State = "new" | "starting" | "running" | "stopping" | "stopped";

/**
 * Accepts connections and serves requests with the registered processors (Java's
 * NettyRemotingServer); it can also call its clients back on their connections, and serve more
 * ports with processors of their own (newRemotingServer).
 */
export class RemotingServer extends RemotingEndpoint {
  readonly #core: EndpointCore;
  readonly #options: ServerOptions;
  readonly #transport: Transport;
  readonly #main: ServerPort;
  readonly #subServers = new Map<string, SubRemotingServer>();
  #state: State = "new";
  #startPromise: Promise<void> | null = null;
  #shutdownPromise: Promise<void> | null = null;

  constructor(options: RemotingServerOptions) {
    const { transport, ...rest } = checkOptionsObject("RemotingServer", options) ?? ({} as RemotingServerOptions);
    if (typeof transport?.listen !== "function") throw new TypeError('RemotingServer: option "transport" must be a Transport');
    const resolved = resolveServerOptions(rest);
    const core = new EndpointCore({ name: "server", holdInputWhenUnwritable: true }, resolved);
    super(core);
    this.#core = core;
    this.#options = resolved;
    this.#transport = transport;
    this.#main = new ServerPort(core, resolved, resolved, core);
  }

  /** The bound port (after start()); 0 for a server on a unix domain socket. */
  get port(): number {
    if (!this.#main.isListening) throw new RemotingLifecycleError("server.port is known once start() has resolved");
    return this.#main.port;
  }

  /** Where clients reach it (after start()): "host:port" with the bound port, or "unix:<path>". */
  get address(): string {
    if (!this.#main.isListening) throw new RemotingLifecycleError("server.address is known once start() has resolved");
    return this.#main.address;
  }

  /**
   * Resolves once listening (the executors registered so far ready first: worker groups load their
   * module). Calling it again returns the same promise. Rejects with a RemotingListenError when the
   * address cannot be bound, a RemotingTlsError when the `tls` key or certificate does not load, a
   * RemotingWorkerError when a worker group cannot load its module, and a RemotingLifecycleError
   * once shutdown() was called (a server is started once).
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
    await core.registry.whenReady();
    await this.#main.listen(this.#transport);
    if (this.#state !== "starting") return; // shutdown() began meanwhile; it closes the listener
    this.#state = "running";
    core.startTimers();
  }

  /**
   * Another port (or unix socket) served by this server, with processors of its own (Java 5's
   * newRemotingServer, RIP-31): register them on it, then `await sub.start()`. It shares this
   * server's executors, hooks, channel events, stats, limits and shutdown. Only one sub-server per
   * address; this server's shutdown() closes them all.
   */
  newRemotingServer(options: number | SubRemotingServerOptions): SubRemotingServer {
    const given: SubRemotingServerOptions = typeof options === "number" ? { port: options } : options;
    if (typeof given !== "object" || given === null) throw new TypeError("newRemotingServer: expected a port or { port?, host?, unix?, inheritProcessors? }");
    const { unix, host, port, inheritProcessors = false } = given;
    if (typeof inheritProcessors !== "boolean") throw new TypeError('newRemotingServer: option "inheritProcessors" must be true or false');
    // The same checks as the server's own options (unix excludes host and port).
    const where = resolveServerOptions(unix !== undefined ? { unix, host, port } : { host: host ?? this.#options.host, port: port ?? 0 });
    if (this.#core.stopping) throw new RemotingLifecycleError("cannot add a sub-server to a server that is shutting down");
    const key = where.unix !== null ? `unix:${where.unix}` : `${where.host}:${where.port}`;
    if ((where.unix !== null || where.port !== 0) && this.#subServers.has(key)) {
      throw new TypeError(`newRemotingServer: ${key} is already used by another sub-server of this server`);
    }
    const sub = new SubRemotingServer(this.#core, this.#options, this.#transport, { host: where.host, port: where.port, unix: where.unix, inheritProcessors });
    this.#subServers.set(where.unix !== null || where.port !== 0 ? key : `${key}#${this.#subServers.size}`, sub);
    return sub;
  }

  /**
   * Calls the client on `channel` (a processor's ctx.channel, of this server or one of its
   * sub-servers; anything else throws a TypeError) and resolves with its response, whatever its
   * code; rejects with a RemotingError (timeout, closed connection, abort...).
   */
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

  /**
   * Sends a request that is never answered; resolves once it is queued on the connection (encoded
   * into its write queue; while the connection is unwritable, once it drained), holding one of the
   * onewaySemaphoreValue permits until then.
   */
  invokeOneway(channel: RemotingChannel, request: RemotingCommand, timeoutOrOptions?: number | InvokeOptions): Promise<void> {
    const conn = this.#own("invokeOneway", channel);
    const { timeoutMs, signal } = invokeArgs("invokeOneway", request, timeoutOrOptions, this.#options.invokeTimeoutMs);
    return callOneway((callback) => this.#invoke(conn, request, timeoutMs, signal, CallKind.Oneway, callback));
  }

  #invoke(conn: Connection, request: RemotingCommand, timeoutMs: number, signal: AbortSignalLike | null, kind: CallKind, callback: InvokeCallback): void {
    const core = this.#core;
    const addr = conn.remoteAddress;
    core.calls.enterInvoke();
    try {
      if (core.stopping || !conn.isActive) {
        const why = core.stopping ? "the server is shut down" : "the channel is closed";
        core.calls.refuse(kind, callback, new RemotingSendRequestError(addr, { message: `send request to ${addr} failed: ${why}` }));
        return;
      }
      const call = core.calls.start(request, timeoutMs, signal, addr, kind, callback);
      if (call !== null) core.calls.dispatch(conn, call);
    } finally {
      core.calls.leaveInvoke();
    }
  }

  /** A connection this server (or one of its sub-servers) accepted; anything else is a programming error. */
  #own(method: string, channel: RemotingChannel): Connection {
    const conn = connectionOf(channel);
    if (conn === undefined || !(conn.belongsTo(this.#core) || [...this.#subServers.values()].some((sub) => sub.owns(conn)))) {
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
    this.#main.close();
    for (const sub of this.#subServers.values()) sub.stopAccepting();
    core.beginShutdown(this.#options.goAwayOnShutdown);
    try {
      await core.drain(this.#options.shutdownTimeoutMs);
    } finally {
      await core.finishShutdown("the server shut down");
      this.#state = "stopped";
    }
  }
}
