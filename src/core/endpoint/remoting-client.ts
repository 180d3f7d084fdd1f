import { RemotingConnectError, RemotingSendRequestError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import { parseAddress } from "../address.ts";
import { Connection } from "../connection/connection.ts";
import { checkCallback, checkInvokeArgs } from "../outbound/invoke-args.ts";
import { NameServerList } from "./name-server-list.ts";
import { resolveClientOptions, type ClientOptions } from "../options.ts";
import { PendingState, type InvokeCallback, type PendingRequest } from "../outbound/call.ts";
import { RemotingEndpoint } from "./remoting-endpoint.ts";
import type { ClientTlsOptions, Transport } from "../transport.ts";

export interface RemotingClientOptions extends Partial<ClientOptions> {
  /** The sockets to use; each runtime's entry point supplies its own. */
  transport: Transport;
}

/** Java's MIN_CLOSE_TIMEOUT_MILLIS: a timed-out call closes its connection only with budget to spare. */
const MIN_CLOSE_TIMEOUT_MS = 100;

/** One address's connection, or the connect in progress that every caller of it shares. */
class ChannelEntry {
  conn: Connection | null = null;
  connecting = false;
  /** Calls waiting for the connect. */
  waiters: PendingRequest[] = [];
  constructor(readonly addr: string) {}
}

/**
 * Calls servers by address, one connection per address (Java's NettyRemotingClient). `null` as
 * the address means "a name server": one of updateNameServerAddressList's, with failover.
 * The client also serves the requests servers send it, with its own processors.
 */
export class RemotingClient extends RemotingEndpoint {
  readonly role = "client";
  declare readonly options: ClientOptions;
  private readonly transport: Transport;
  private readonly channels = new Map<string, ChannelEntry>();
  /** The last connected entry used: most clients call one address over and over. */
  private lastRoute: ChannelEntry | null = null;
  private readonly nameServers = new NameServerList(() => this.now());
  private started = false;
  private shutdownPromise: Promise<void> | null = null;

  constructor(options: RemotingClientOptions) {
    const { transport, ...rest } = options ?? ({} as RemotingClientOptions);
    if (typeof transport?.connect !== "function") throw new TypeError("RemotingClient: option \"transport\" must be a Transport");
    super(resolveClientOptions(rest));
    this.transport = transport;
  }

  /** Starts the timers. Calls work before start() too; it is here for symmetry with the server. */
  start(): Promise<void> {
    this.ensureStarted();
    return Promise.resolve();
  }

  private ensureStarted(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.startTimers();
  }

  /** Sets the name servers (ignored when empty or unchanged); the new list is shuffled. */
  updateNameServerAddressList(addrs: readonly string[]): void {
    if (!Array.isArray(addrs)) throw new TypeError("updateNameServerAddressList: expected an array of \"host:port\" strings");
    for (const addr of addrs) parseAddress(addr);
    const removed = this.nameServers.update(addrs);
    for (const addr of removed) this.closeChannel(addr);
  }

  getNameServerAddressList(): string[] {
    return this.nameServers.list();
  }

  // ---- invoke ---------------------------------------------------------------------------------

  invokeSync(addr: string | null, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    checkInvokeArgs("invokeSync", request, timeoutMs);
    return new Promise((resolve, reject) => {
      this.invoke(addr, request, timeoutMs, false, true, (error, response) => (error === null ? resolve(response!) : reject(error)));
    });
  }

  invokeAsync(addr: string | null, request: RemotingCommand, timeoutMs: number, callback: InvokeCallback): void {
    checkInvokeArgs("invokeAsync", request, timeoutMs);
    checkCallback("invokeAsync", callback);
    this.invoke(addr, request, timeoutMs, false, false, callback);
  }

  /** Sends a request that is never answered; resolves once it is queued on the connection. */
  invokeOneway(addr: string | null, request: RemotingCommand, timeoutMs: number): Promise<void> {
    checkInvokeArgs("invokeOneway", request, timeoutMs);
    return new Promise((resolve, reject) => {
      this.invoke(addr, request, timeoutMs, true, false, (error) => (error === null ? resolve() : reject(error)));
    });
  }

  private invoke(addr: string | null, request: RemotingCommand, timeoutMs: number, oneway: boolean, sync: boolean, callback: InvokeCallback): void {
    if (this.stopped || this.shutdownPromise !== null) {
      callback(this.stoppedError(addr ?? "name server"));
      return;
    }
    this.ensureStarted();
    if (addr === null) {
      const p = this.startInvoke(request, timeoutMs, "name server", oneway, callback);
      if (p === null) return;
      p.sync = sync;
      p.nameServerAttempts = 0;
      this.routeToNameServer(p);
      return;
    }
    const p = this.startInvoke(request, timeoutMs, addr, oneway, callback);
    if (p === null) return;
    p.sync = sync;
    this.route(addr, p);
  }

  private route(addr: string, p: PendingRequest): void {
    const last = this.lastRoute;
    const entry = last !== null && last.addr === addr ? last : this.channels.get(addr);
    if (entry !== undefined && entry.conn !== null && entry.conn.isActive) {
      this.lastRoute = entry;
      this.dispatch(entry.conn, p);
      return;
    }
    this.waitForConnection(entry ?? this.newEntry(addr), p);
  }

  private routeToNameServer(p: PendingRequest): void {
    const addr = this.nameServers.choose((a) => {
      const e = this.channels.get(a);
      return e !== undefined && e.conn !== null && e.conn.isActive;
    });
    if (addr === null) {
      this.settle(p, new RemotingConnectError("name server", { message: "no name server address: call updateNameServerAddressList() first" }));
      return;
    }
    p.addr = addr;
    this.route(addr, p);
  }

  /** Drops an entry from the table (if it is still the one there). */
  private forget(entry: ChannelEntry): void {
    if (this.channels.get(entry.addr) === entry) this.channels.delete(entry.addr);
    if (this.lastRoute === entry) this.lastRoute = null;
  }

  private newEntry(addr: string): ChannelEntry {
    const entry = new ChannelEntry(addr);
    this.channels.set(addr, entry);
    return entry;
  }

  private waitForConnection(entry: ChannelEntry, p: PendingRequest): void {
    p.state = PendingState.Connecting;
    entry.waiters.push(p);
    if (!entry.connecting) this.connect(entry);
  }

  private connect(entry: ChannelEntry): void {
    entry.connecting = true;
    entry.conn = null;
    let host: string;
    let port: number;
    try {
      ({ host, port } = parseAddress(entry.addr));
    } catch (error) {
      this.connectFailed(entry, error);
      return;
    }
    let conn: Connection | null = null;
    this.transport
      .connect({ host, port, timeoutMs: this.options.connectTimeoutMs, tls: this.clientTls() }, (socket) => {
        conn = new Connection(this, socket, entry.addr);
        this.connections.add(conn);
        return conn;
      })
      .then(
        () => this.connected(entry, conn!),
        (error: unknown) => this.connectFailed(entry, error),
      );
  }

  /** useTLS with the given settings; none given means the defaults (system CAs, verification on). */
  private clientTls(): ClientTlsOptions | null {
    return this.options.useTLS ? (this.options.tls ?? {}) : null;
  }

  private connected(entry: ChannelEntry, conn: Connection): void {
    entry.connecting = false;
    if (this.stopped || !conn.isActive) {
      conn.destroy();
      this.connectFailed(entry, new Error(this.stopped ? "the client shut down" : "the connection closed at once"));
      return;
    }
    if (this.channels.get(entry.addr) !== entry) this.channels.set(entry.addr, entry);
    entry.conn = conn;
    this.nameServers.markUp(entry.addr);
    this.events.emit("CONNECT", entry.addr, conn);
    this.events.emit("ACTIVE", entry.addr, conn);
    const waiters = entry.waiters;
    entry.waiters = [];
    for (const p of waiters) this.dispatch(conn, p);
  }

  private connectFailed(entry: ChannelEntry, error: unknown): void {
    entry.connecting = false;
    if (entry.conn === null) this.forget(entry);
    this.nameServers.markDown(entry.addr);
    this.logger.info(`client: connect to ${entry.addr} failed: ${(error as Error)?.message ?? error}`);
    const waiters = entry.waiters;
    entry.waiters = [];
    for (const p of waiters) {
      if (p.state === PendingState.Done) continue;
      if (p.nameServerAttempts >= 0 && ++p.nameServerAttempts < this.nameServers.size) {
        this.routeToNameServer(p); // fail over to the next name server
      } else {
        this.settle(p, new RemotingConnectError(entry.addr, { cause: error }));
      }
    }
  }

  // ---- channels -------------------------------------------------------------------------------

  /** Closes the connection to `addr` (its pending calls fail at once); the next call reconnects. */
  closeChannel(addr: string): void {
    const entry = this.channels.get(addr);
    if (entry?.conn != null) entry.conn.close();
  }

  /** False while the connection to `addr` is above its write high-water mark. */
  isChannelWritable(addr: string): boolean {
    const conn = this.channels.get(addr)?.conn;
    return conn == null || !conn.isActive || conn.queue.writable;
  }

  override onConnectionClosed(conn: Connection, error?: Error): void {
    const entry = this.channels.get(conn.addr);
    if (entry !== undefined && entry.conn === conn) this.forget(entry); // only the entry it closed
    super.onConnectionClosed(conn, error);
  }

  /** invokeSync timed out with budget to spare: the connection is suspect (5.1.4+ rule). */
  protected override onCallTimeout(p: PendingRequest): void {
    if (!this.options.closeSocketIfTimeout || !p.sync || p.conn === null || p.sentAt === 0) return;
    const budgetWhenSent = p.deadline - p.sentAt;
    if (budgetWhenSent > MIN_CLOSE_TIMEOUT_MS || budgetWhenSent > p.timeoutMs / 4) {
      const entry = this.channels.get(p.conn.addr);
      if (entry?.conn === p.conn) p.conn.close();
    }
  }

  /** GO_AWAY: the server is going down; move the address to a fresh connection and re-send once. */
  protected override handleGoAway(p: PendingRequest, response: RemotingCommand): boolean {
    const conn = p.conn!;
    if (!this.options.enableReconnectForGoAway || p.goAwayRetried) {
      const why = p.goAwayRetried ? "Receive GO_AWAY twice" : `Receive GO_AWAY from channelId=${conn.id}`;
      this.fail(p, new RemotingSendRequestError(p.addr, { message: `send request to ${p.addr} failed: ${why} (${response.remark ?? "please go away"})` }));
      return true;
    }
    const entry = this.channels.get(conn.addr);
    if (entry !== undefined && entry.conn === conn) {
      this.forget(entry);
      this.closeIfIdle(conn);
    }
    const retry = this.reinvoke(p);
    retry.goAwayRetried = true;
    this.route(conn.addr, retry);
    return true;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Refuses new calls, waits for pending ones (up to shutdownTimeoutMs), then fails what is left
   * and closes every connection. Idempotent; always resolves.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    try {
      if (this.started) await this.drain(this.options.shutdownTimeoutMs);
    } finally {
      this.stopTimers();
      for (const entry of this.channels.values()) {
        const waiters = entry.waiters;
        entry.waiters = [];
        for (const p of waiters) this.settle(p, this.stoppedError(entry.addr));
      }
      this.closeEverything("the client shut down");
      for (const entry of [...this.channels.values()]) this.forget(entry);
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
