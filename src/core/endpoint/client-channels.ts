import { RemotingConnectError, RemotingSendRequestError, type RemotingError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import { parseSocketAddress } from "../address.ts";
import type { Connection } from "../connection/connection.ts";
import type { ClientOptions } from "../options.ts";
import { CallKind, type Call } from "../outbound/call.ts";
import type { ClientTlsOptions, Transport } from "../transport.ts";
import { LinkedList } from "../util/linked-list.ts";
import type { EndpointCore } from "./endpoint-core.ts";
import { NameServerList } from "./name-server-list.ts";

/** Java's MIN_CLOSE_TIMEOUT_MILLIS: a timed-out call closes its connection only with budget to spare. */
const MIN_CLOSE_TIMEOUT_MS = 100;

/** One address's connection, or the connect in progress that every caller of it shares. */
class ChannelEntry {
  conn: Connection | null = null;
  connecting = false;
  /** Calls waiting for the connect; a call that ends meanwhile leaves at once. */
  readonly waiters = new LinkedList<Call>();
  constructor(readonly addr: string) {}
}

/**
 * A client's connections by address (Java's channelTables): one per address, opened on first use
 * and shared by every call to it; name-server selection with failover; GO_AWAY re-sends and the
 * close-on-timeout rule.
 */
export class ClientChannels {
  private readonly entries = new Map<string, ChannelEntry>();
  /** The last connected entry used: most clients call one address over and over. */
  private lastRoute: ChannelEntry | null = null;
  readonly nameServers: NameServerList;

  constructor(
    private readonly core: EndpointCore,
    private readonly transport: Transport,
    private readonly options: ClientOptions,
  ) {
    this.nameServers = new NameServerList(core.now);
  }

  /**
   * A TypeError naming `method` when `addr` is neither null (a name server) nor an address a
   * connection can be made to: a wrong argument, refused before the call exists. An address in use
   * was checked when its connection was first made.
   */
  checkAddress(method: string, addr: string | null): void {
    if (addr === null || (typeof addr === "string" && (this.lastRoute?.addr === addr || this.entries.has(addr)))) return;
    try {
      parseSocketAddress(addr);
    } catch (error) {
      throw new TypeError(`${method}: ${(error as Error).message}`);
    }
  }

  /** Sends `call` to `addr`, or to a name server when `addr` is null. */
  route(addr: string | null, call: Call): void {
    if (addr !== null) this.routeTo(addr, call);
    else {
      call.nameServerAttempts = 0;
      this.routeToNameServer(call);
    }
  }

  private routeTo(addr: string, call: Call): void {
    const last = this.lastRoute;
    const entry = last !== null && last.addr === addr ? last : this.entries.get(addr);
    if (entry !== undefined && entry.conn !== null && entry.conn.isActive) {
      this.lastRoute = entry;
      this.core.calls.dispatch(entry.conn, call);
      return;
    }
    const waiting = entry ?? this.newEntry(addr);
    this.core.calls.park(waiting.waiters, call);
    if (!waiting.connecting) this.connect(waiting);
  }

  private routeToNameServer(call: Call): void {
    const addr = this.nameServers.choose((a) => {
      const e = this.entries.get(a);
      return e !== undefined && e.conn !== null && e.conn.isActive;
    });
    if (addr === null) {
      this.core.calls.finish(call, new RemotingConnectError("name server", { message: "no name server address: call updateNameServerAddressList() first" }));
      return;
    }
    call.addr = addr;
    this.routeTo(addr, call);
  }

  private newEntry(addr: string): ChannelEntry {
    const entry = new ChannelEntry(addr);
    this.entries.set(addr, entry);
    return entry;
  }

  /** Drops an entry from the table (if it is still the one there). */
  private forget(entry: ChannelEntry): void {
    if (this.entries.get(entry.addr) === entry) this.entries.delete(entry.addr);
    if (this.lastRoute === entry) this.lastRoute = null;
  }

  private connect(entry: ChannelEntry): void {
    entry.connecting = true;
    entry.conn = null;
    const address = parseSocketAddress(entry.addr); // checked already: by checkAddress, or updateNameServerAddressList
    const where = "path" in address ? { host: "", port: 0, path: address.path } : address;
    let conn: Connection | null = null;
    this.transport
      .connect({ ...where, timeoutMs: this.options.connectTimeoutMs, tls: this.clientTls() }, (socket) => {
        conn = this.core.connect(socket, entry.addr);
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
    if (this.core.stopped || !conn.isActive) {
      conn.destroy();
      this.connectFailed(entry, new Error(this.core.stopped ? "the client shut down" : "the connection closed at once"));
      return;
    }
    if (this.entries.get(entry.addr) !== entry) this.entries.set(entry.addr, entry);
    entry.conn = conn;
    this.nameServers.markUp(entry.addr);
    this.core.events.emit("CONNECT", entry.addr, conn.context);
    this.core.events.emit("ACTIVE", entry.addr, conn.context);
    for (const call of entry.waiters.takeAll()) this.core.calls.dispatch(conn, call);
  }

  private connectFailed(entry: ChannelEntry, error: unknown): void {
    entry.connecting = false;
    if (entry.conn === null) this.forget(entry);
    this.nameServers.markDown(entry.addr);
    this.core.logger.info(`client: connect to ${entry.addr} failed: ${(error as Error)?.message ?? String(error)}`);
    for (const call of entry.waiters.takeAll()) {
      if (call.nameServerAttempts >= 0 && ++call.nameServerAttempts < this.nameServers.size) {
        this.routeToNameServer(call); // fail over to the next name server
      } else {
        this.core.calls.finish(call, new RemotingConnectError(entry.addr, { cause: error }));
      }
    }
  }

  /** Closes the connection to `addr` (its pending calls fail at once); the next call reconnects. */
  closeChannel(addr: string): void {
    this.entries.get(addr)?.conn?.close();
  }

  /** False while the connection to `addr` is above its write high-water mark. */
  isWritable(addr: string): boolean {
    const conn = this.entries.get(addr)?.conn;
    return conn == null || !conn.isActive || conn.queue.writable;
  }

  /** Sets the name servers; the connections to the ones dropped are closed. */
  updateNameServers(addrs: readonly string[]): void {
    for (const addr of this.nameServers.update(addrs)) this.closeChannel(addr);
  }

  /** A connection closed: its entry goes (only the entry it belongs to). */
  onClosed(conn: Connection): void {
    const entry = this.entries.get(conn.addr);
    if (entry !== undefined && entry.conn === conn) this.forget(entry);
  }

  /** invokeSync timed out with budget to spare: the connection is suspect (5.1.4+ rule). */
  onTimeout(call: Call): void {
    const conn = call.conn;
    if (!this.options.closeSocketIfTimeout || call.kind !== CallKind.Sync || conn === null || call.sentAt === 0) return;
    const budgetWhenSent = call.deadline - call.sentAt;
    if (budgetWhenSent > MIN_CLOSE_TIMEOUT_MS || budgetWhenSent > call.timeoutMs / 4) {
      if (this.entries.get(conn.addr)?.conn === conn) conn.close();
    }
  }

  /** GO_AWAY: the server is going down; move the address to a fresh connection and re-send once. */
  onGoAway(call: Call, response: RemotingCommand): boolean {
    const conn = call.conn!;
    if (!this.options.enableReconnectForGoAway || call.goAwayRetried) {
      const why = call.goAwayRetried ? "Receive GO_AWAY twice" : `Receive GO_AWAY from ${conn.context}`;
      this.core.calls.finish(call, new RemotingSendRequestError(call.addr, { message: `send request to ${call.addr} failed: ${why} (${response.remark ?? "please go away"})` }));
      return true;
    }
    this.core.calls.requeue(call);
    call.goAwayRetried = true;
    const entry = this.entries.get(conn.addr);
    if (entry !== undefined && entry.conn === conn) {
      this.forget(entry);
      this.core.calls.closeIfIdle(conn);
    }
    this.routeTo(conn.addr, call);
    return true;
  }

  /** Shutdown: calls still waiting for a connect fail with `error`; the table is emptied. */
  close(error: (addr: string) => RemotingError): void {
    for (const entry of [...this.entries.values()]) {
      for (const call of entry.waiters.takeAll()) this.core.calls.finish(call, error(entry.addr));
      this.forget(entry);
    }
  }
}
