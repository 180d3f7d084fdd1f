import { RemotingError, RemotingLifecycleError, RemotingListenError } from "../../errors.ts";
import { formatSocketAddress, type SocketAddress } from "../address.ts";
import type { ConnectionOwner, TlsGate } from "../connection/connection.ts";
import type { ServerOptions } from "../options.ts";
import type { SocketHandler, Transport, TransportListener, TransportSocket } from "../transport.ts";
import type { EndpointCore } from "./endpoint-core.ts";

/** The handler of a socket refused at accept (destroyed at once): no decoder or write queue for it. */
const REFUSED: SocketHandler = { onData() {}, onDrain() {}, onClose() {} };

/** Where a port listens: a host and port (with reusePort), or a unix socket. */
export interface PortAddress {
  host: string;
  port: number;
  unix: string | null;
  reusePort: boolean;
}

/**
 * One listening socket of a server: the main one, or a sub-server's. Its connections belong to
 * `owner` (which picks the processors) and to the server's core (limits, stats, shutdown).
 */
export class ServerPort {
  #listener: TransportListener | null = null;
  #accepting = false;
  /** Connections refused by maxConnections since the last warning (logged at most once a second). */
  #refusedConnections = 0;
  #lastRefusalLog = -Infinity;

  constructor(
    private readonly core: EndpointCore,
    private readonly options: ServerOptions,
    private readonly where: PortAddress,
    private readonly owner: ConnectionOwner,
  ) {}

  /** The bound port; 0 on a unix socket. */
  get port(): number {
    if (this.#listener === null) throw new RemotingLifecycleError("the port is known once start() has resolved");
    return this.#listener.port;
  }

  /** "host:port" (the bound port) or "unix:<path>". */
  get address(): string {
    const { unix, host } = this.where;
    return formatSocketAddress(unix !== null ? { path: unix } : { host, port: this.port });
  }

  get isListening(): boolean {
    return this.#listener !== null;
  }

  /** Listens; a failure is a RemotingListenError naming the address, with the system error as cause. */
  async listen(transport: Transport): Promise<void> {
    const { host, port, unix, reusePort } = this.where;
    try {
      this.#listener = await transport.listen({ host, port, path: unix, reusePort, tls: this.options.tls }, (socket) => this.#accept(socket));
    } catch (error) {
      if (error instanceof RemotingError) throw error; // TLS material that does not load says so itself
      const asked: SocketAddress = unix !== null ? { path: unix } : { host, port };
      const address = formatSocketAddress(asked);
      const why = (error as { code?: string })?.code ?? (error as Error)?.message ?? String(error);
      throw new RemotingListenError(address, { cause: error, message: `cannot listen on ${address}: ${why}` });
    }
    this.#accepting = true;
  }

  /** Stops accepting (a unix socket's file is removed); open connections are not touched. */
  close(): void {
    this.#accepting = false;
    this.#listener?.close();
  }

  #accept(socket: TransportSocket): SocketHandler {
    const core = this.core;
    if (!this.#accepting || core.stopping) {
      socket.destroy();
      return REFUSED;
    }
    if (core.connections.size >= this.options.maxConnections) {
      this.#refuseConnection(socket);
      return REFUSED;
    }
    const { proxyProtocol } = this.options;
    const conn = core.connect(socket, socket.remoteAddress, this.#tlsGate(socket), this.owner, proxyProtocol === "disabled" ? null : proxyProtocol);
    core.events.emit("CONNECT", conn.remoteAddress, conn.context);
    return conn;
  }

  #tlsGate(socket: TransportSocket): TlsGate {
    return { mode: this.options.tlsMode, canServeTls: this.options.tls !== null && typeof socket.startTls === "function" };
  }

  /** Over maxConnections: close at once (RST frees the socket now), and say so without flooding the log. */
  #refuseConnection(socket: TransportSocket): void {
    socket.destroy();
    this.#refusedConnections++;
    const now = this.core.coarseNow();
    if (now - this.#lastRefusalLog >= 1000) {
      this.core.logger.warn(
        `server: ${this.core.connections.size} connections open (maxConnections ${this.options.maxConnections}); closed ${this.#refusedConnections} new connection(s), the last from ${socket.remoteAddress}`,
      );
      this.#refusedConnections = 0;
      this.#lastRefusalLog = now;
    }
  }
}
