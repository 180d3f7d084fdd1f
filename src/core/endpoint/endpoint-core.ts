import { RemotingLifecycleError, RemotingLimitError, RemotingTlsError } from "../../errors.ts";
import type { ProxyHeaderMode } from "../../protocol/proxy/proxy-header-parser.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import { Connection, type ConnectionLimits, type ConnectionOwner, type RequestSink, type ResponseSink, type TlsGate } from "../connection/connection.ts";
import { abortContext } from "../connection/connection-context.ts";
import { EventLoopExecutor } from "../inbound/event-loop-executor.ts";
import { Inbound } from "../inbound/inbound.ts";
import { ProcessorRegistry } from "../inbound/processor-registry.ts";
import { ChannelEventQueue } from "../observability/channel-events.ts";
import { LogThrottle } from "../observability/log-throttle.ts";
import type { Logger } from "../observability/logger.ts";
import { TrafficRecorder, type RemotingStats } from "../observability/remoting-stats.ts";
import type { EndpointOptions } from "../options.ts";
import type { Call } from "../outbound/call.ts";
import { OutboundCalls } from "../outbound/outbound-calls.ts";
import { RpcHooks } from "../rpc-hook.ts";
import { Scanner } from "../time/scanner.ts";
import { coarseNow, systemTimers, type Timers } from "../time/timers.ts";
import type { TransportSocket } from "../transport.ts";

/** Deadlines closer together than this share one scan. */
const MIN_SCAN_SPACING_MS = 10;
/** How often shutdown looks whether everything in flight has finished. */
const DRAIN_POLL_MS = 5;
/** How long shutdown waits for closed connections to report their close (then resets them). */
const CLOSE_WAIT_MS = 1_000;

/** What differs between a server's and a client's core. */
export interface EndpointRole {
  readonly name: "server" | "client";
  /** Server: stop reading a connection while its write queue is over the high-water mark. */
  readonly holdInputWhenUnwritable: boolean;
  /** Client: a connection closed (its channel table entry goes). */
  onClosed?(conn: Connection): void;
  /** Client: a GO_AWAY answer; true when the call was re-sent. */
  onGoAway?(call: Call, response: RemotingCommand): boolean;
  /** Client: the close-on-timeout rule. */
  onTimeout?(call: Call): void;
}

/**
 * What a RemotingServer or RemotingClient is made of (Java's NettyRemotingAbstract), composed from
 * parts that each own one thing: the processor registry, the inbound path, the outbound calls, the
 * scanner, the channel events and the stats. It is every connection's owner: connections report
 * to it, and it routes each report to the part concerned. Internal: the public classes keep it in
 * a private field and show only their API.
 */
export class EndpointCore implements ConnectionOwner {
  readonly role: EndpointRole;
  readonly options: EndpointOptions;
  readonly logger: Logger;
  readonly timers: Timers;
  /** A fresh clock read. */
  readonly now: () => number;
  readonly coarseNow: () => number;
  readonly limits: ConnectionLimits;
  readonly hooks = new RpcHooks();
  readonly events: ChannelEventQueue;
  readonly traffic: TrafficRecorder;
  readonly defaultExecutor: EventLoopExecutor;
  readonly registry: ProcessorRegistry;
  readonly inbound: Inbound;
  readonly calls: OutboundCalls;
  readonly connections = new Set<Connection>();
  private readonly scanner: Scanner;
  /** Warnings a peer can trigger at will (bad frames) are rate-limited. */
  private readonly peerWarnings = new LogThrottle();
  private lastConnectionCheck = 0;
  private timersStarted = false;
  /** Set when shutdown began: no new work starts. */
  stopping = false;
  /** Set when shutdown ended: nothing runs any more. */
  stopped = false;

  constructor(role: EndpointRole, options: EndpointOptions) {
    this.role = role;
    this.options = options;
    this.logger = options.logger;
    const timers = options.timers ?? systemTimers;
    this.timers = timers;
    this.now = timers === systemTimers ? systemTimers.now : () => timers.now();
    this.coarseNow = timers === systemTimers ? coarseNow : this.now;
    this.limits = {
      maxFrameLength: options.maxFrameLength,
      maxHeaderLength: options.maxHeaderLength,
      writeBufferHighWaterMark: options.writeBufferHighWaterMark,
      writeBufferLowWaterMark: options.writeBufferLowWaterMark,
    };
    this.traffic = new TrafficRecorder(options.trafficStats);
    this.events = new ChannelEventQueue(options.channelEventQueueCapacity, options.logger);
    this.defaultExecutor = new EventLoopExecutor({ maxInFlight: options.maxInFlightRequests, maxQueued: options.maxQueuedRequests });
    this.registry = new ProcessorRegistry(this.defaultExecutor);
    this.scanner = new Scanner(timers, MIN_SCAN_SPACING_MS, (now) => this.scan(now));
    this.inbound = new Inbound({
      role: role.name,
      holdInputWhenUnwritable: role.holdInputWhenUnwritable,
      options,
      logger: this.logger,
      hooks: this.hooks,
      registry: this.registry,
      served: this.traffic.served,
      coarseNow: this.coarseNow,
    });
    this.calls = new OutboundCalls({
      role: role.name,
      options,
      logger: this.logger,
      hooks: this.hooks,
      invoked: this.traffic.invoked,
      now: this.now,
      coarseNow: this.coarseNow,
      armScan: (at) => this.scanner.arm(at),
      onGoAway: role.onGoAway?.bind(role),
      onTimeout: role.onTimeout?.bind(role),
    });
  }

  // ---- connections (ConnectionOwner) ------------------------------------------------------------

  /** A connection on `socket`, owned by `owner` (this endpoint, or one of its sub-servers) from now on. */
  connect(socket: TransportSocket, addr: string, tlsGate: TlsGate | null = null, owner: ConnectionOwner = this, proxyMode: ProxyHeaderMode | null = null): Connection {
    const conn = new Connection(owner, socket, addr, tlsGate, proxyMode);
    this.connections.add(conn);
    return conn;
  }

  get requestSink(): RequestSink {
    return this.inbound;
  }

  get responseSink(): ResponseSink {
    return this.calls;
  }

  onWritable(conn: Connection, writable: boolean): void {
    if (!writable) {
      if (this.inbound.holdsInput) conn.holdInput();
      return;
    }
    this.calls.onWritable(conn);
    if (conn.isHolding) conn.resumeInput();
  }

  onProtocolError(conn: Connection, error: Error): void {
    this.peerWarnings.warn(this.logger, this.coarseNow(), `${this.role.name}: closing ${conn.remoteAddress}: ${error.message}`);
    this.events.emit("EXCEPTION", conn.remoteAddress, conn.context, error);
    conn.close(error);
  }

  onClosing(conn: Connection, reason: Error | undefined): void {
    abortContext(conn.context, reason ?? new RemotingLifecycleError(`the connection to ${conn.remoteAddress} closed`));
    this.role.onClosed?.(conn);
    this.inbound.connectionClosed(conn);
    this.calls.failConnection(conn, reason);
  }

  onClosed(conn: Connection, reason: Error | undefined): void {
    this.connections.delete(conn);
    if (reason instanceof RemotingTlsError && reason !== conn.closeReason) {
      // A failed TLS handshake (or a refused client certificate) is worth a line, unlike a plain reset.
      this.peerWarnings.warn(this.logger, this.coarseNow(), `${this.role.name}: ${conn.remoteAddress} closed: ${reason.message}`);
      this.events.emit("EXCEPTION", conn.remoteAddress, conn.context, reason);
    }
    this.events.emit("CLOSE", conn.remoteAddress, conn.context);
  }

  writeResponse(conn: Connection, request: RemotingCommand, response: RemotingCommand): void {
    this.inbound.writeLate(conn, request, response);
  }

  // ---- time -------------------------------------------------------------------------------------

  /** Starts the periodic scan (idle checks run even with no call pending). */
  startTimers(): void {
    if (this.timersStarted || this.stopped) return;
    this.timersStarted = true;
    this.lastConnectionCheck = this.now();
    this.scanner.arm(this.lastConnectionCheck + this.options.scanIntervalMs);
  }

  /** Times out expired calls and checks connections; returns when the next scan is due. */
  private scan(now: number): number {
    const { scanIntervalMs } = this.options;
    const earliestDeadline = this.calls.expire(now);
    if (this.timersStarted && now - this.lastConnectionCheck >= scanIntervalMs) {
      this.lastConnectionCheck = now;
      this.checkConnections(now);
    }
    return this.timersStarted ? Math.min(earliestDeadline, now + scanIntervalMs) : earliestDeadline;
  }

  /** Closes connections idle for channelMaxIdleMs, and those stuck in a frame or handshake for frameTimeoutMs. */
  private checkConnections(now: number): void {
    const { channelMaxIdleMs: maxIdle, frameTimeoutMs } = this.options;
    if (maxIdle === 0 && frameTimeoutMs === 0) return;
    for (const conn of this.connections) {
      conn.observe(now);
      if (frameTimeoutMs > 0 && conn.frameStartedAt >= 0 && now - conn.frameStartedAt >= frameTimeoutMs) {
        this.onProtocolError(conn, new RemotingLimitError("frameTimeoutMs", `${conn.describeStarted()} was not completed within frameTimeoutMs ${frameTimeoutMs}`));
      } else if (maxIdle > 0 && now - conn.lastActive >= maxIdle && conn.pendingOut === 0) {
        this.logger.info(`${this.role.name}: closing ${conn.remoteAddress}, idle for ${Math.round(now - conn.lastActive)} ms`);
        this.events.emit("IDLE", conn.remoteAddress, conn.context);
        conn.close();
      }
    }
  }

  // ---- shutdown ---------------------------------------------------------------------------------

  /**
   * Shutdown begins: waiting requests are answered (GO_AWAY or SYSTEM_BUSY) instead of started,
   * new ones likewise, and every processor's ctx.signal is aborted.
   */
  beginShutdown(goAway: boolean): void {
    if (this.stopping) return;
    this.stopping = true;
    this.inbound.beginShutdown(this.connections, goAway);
    const reason = new RemotingLifecycleError(`the ${this.role.name} is shutting down`);
    for (const conn of this.connections) abortContext(conn.context, reason);
  }

  /**
   * Resolves true when nothing of this endpoint is in flight (its requests, its calls, unsent
   * bytes), false after `timeoutMs`. It first lets the code that called shutdown() finish: a
   * processor that shuts its own server down is counted once it returns (its promise, or its answer).
   */
  async drain(timeoutMs: number): Promise<boolean> {
    await null;
    return this.waitFor(() => {
      if (this.calls.table.size > 0) return false;
      for (const conn of this.connections) if (conn.queue.queuedBytes > 0 || conn.requests.length > 0) return false;
      return true;
    }, timeoutMs);
  }

  /**
   * The end: fails every call still pending with `message`, closes every connection and waits until
   * each has closed (resetting those that take longer than CLOSE_WAIT_MS), stops the timers, and
   * delivers the last channel events, so that nothing of the endpoint runs once this resolves.
   */
  async finishShutdown(message: string): Promise<void> {
    this.stopped = true;
    this.scanner.stop();
    this.calls.failAll(message);
    for (const conn of [...this.connections]) conn.close();
    if (!(await this.waitFor(() => this.connections.size === 0, CLOSE_WAIT_MS))) {
      for (const conn of [...this.connections]) conn.destroy();
      await this.waitFor(() => this.connections.size === 0, CLOSE_WAIT_MS);
    }
    this.events.flush();
    this.events.setListener(null);
  }

  /**
   * Polls `done` until it holds (true) or `timeoutMs` passed (false). Real time, whatever the
   * `timers` option: shutdown must end even in a test that drives the scan's clock by hand.
   */
  private async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = systemTimers.now() + timeoutMs;
    while (!done()) {
      const left = deadline - systemTimers.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(DRAIN_POLL_MS, left)));
    }
    return true;
  }

  // ---- stats ------------------------------------------------------------------------------------

  stats(): RemotingStats {
    let inFlight = 0;
    let queued = 0;
    for (const executor of this.registry.executors) {
      const s = executor.stats;
      if (s !== undefined) {
        inFlight += s.inFlight;
        queued += s.queued;
      }
    }
    let bytesQueued = 0;
    for (const conn of this.connections) bytesQueued += conn.queue.queuedBytes;
    return {
      connections: this.connections.size,
      inFlight,
      queued,
      bytesQueued,
      pendingCalls: this.calls.table.size,
      droppedEvents: this.events.dropped,
      droppedRequests: this.inbound.droppedRequests,
      slowConsumerCloses: this.inbound.slowConsumerCloses,
      served: this.traffic.served.snapshot(),
      invoked: this.traffic.invoked.snapshot(),
    };
  }
}
