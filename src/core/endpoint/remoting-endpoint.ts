import {
  RemotingAbortProcessError,
  RemotingError,
  RemotingLimitError,
  RemotingSendRequestError,
  RemotingTimeoutError,
  RemotingTlsError,
  RemotingTooMuchRequestError,
} from "../../errors.ts";
import { isOneway, RPC_ONEWAY, RPC_TYPE_RESPONSE } from "../../protocol/flags.ts";
import { Command, nextOpaque, type RemotingCommand } from "../../protocol/remoting-command.ts";
import { RemotingSysResponseCode, ResponseCode } from "../../protocol/response-code.ts";
import { ChannelEventQueue, type ChannelEventListener } from "../observability/channel-events.ts";
import { coarseClock, type Clock } from "../time/clock.ts";
import type { Connection } from "../connection/connection.ts";
import { describeError } from "../observability/describe-error.ts";
import { EventLoopExecutor, type RequestExecutor } from "../inbound/executor.ts";
import { LogThrottle } from "../observability/log-throttle.ts";
import type { Logger } from "../observability/logger.ts";
import type { EndpointOptions } from "../options.ts";
import { PendingPool, PendingState, type InvokeCallback, type PendingRequest } from "../outbound/call.ts";
import { Permits } from "../outbound/permits.ts";
import type { RequestProcessor } from "../inbound/processor.ts";
import { RequestTask } from "../inbound/inbound-request.ts";
import { TrafficRecorder, type RemotingStats } from "../observability/remoting-stats.ts";
import { ResponseTable } from "../outbound/response-table.ts";
import { RpcHooks, type RPCHook } from "../rpc-hook.ts";
import { invokeChannel, isTraced, traceInvokeOutcome, traceInvokeStart } from "../observability/tracing.ts";

/** Request codes below this are looked up in an array (RocketMQ's codes are mostly below 1024). */
const DIRECT_CODES = 1024;
/** Deadlines closer together than this share one scan. */
const MIN_SCAN_SPACING_MS = 10;
/** The first version that understands GO_AWAY (5.3.2 and later advertise more than 475). */
const GO_AWAY_MIN_VERSION = 476;

export const REJECT_REQUEST_REMARK = "[REJECTREQUEST]system busy, start flow control for a while";
export const OVERLOAD_REMARK = "[OVERLOAD]system busy, start flow control for a while";
/** The answer to a request beyond maxPendingRequestsPerConnection (SYSTEM_BUSY, so Java clients back off and retry). */
export const CONNECTION_BUSY_REMARK = "[CONNECTION_BUSY]too many requests in progress on this connection, start flow control for a while";

interface ProcessorEntry {
  processor: RequestProcessor | string;
  executor: RequestExecutor;
  /** rejectRequest of an object processor, bound; null when it has none. */
  reject: (() => boolean) | null;
}

/**
 * What servers and clients share (Java's NettyRemotingAbstract): the processor table and dispatch
 * of inbound requests, the response table and the invoke primitives on a connection, RPC hooks,
 * channel events, and one timer that enforces deadlines and idle limits.
 */
export abstract class RemotingEndpoint {
  readonly hooks = new RpcHooks();
  readonly logger: Logger;
  readonly events: ChannelEventQueue;
  readonly responseTable = new ResponseTable();
  private readonly pendingPool = new PendingPool();
  readonly asyncPermits: Permits;
  readonly onewayPermits: Permits;
  readonly defaultExecutor: EventLoopExecutor;
  readonly connections = new Set<Connection>();
  readonly now: Clock;
  /** Counters behind `stats` (observability: updated in a few marked places, read by the getter). */
  readonly traffic: TrafficRecorder;
  /** Warnings a peer can trigger at will (bad frames, foreign opaques) are rate-limited. */
  private readonly peerWarnings = new LogThrottle();
  /** Processor failures, which bad input can trigger on every request, are rate-limited too. */
  readonly processorWarnings = new LogThrottle();
  /** Processors by code: an array for the usual codes (0..DIRECT_CODES-1), a map for the rest. */
  private readonly directProcessors: (ProcessorEntry | undefined)[] = new Array<ProcessorEntry | undefined>(DIRECT_CODES).fill(undefined);
  private readonly processors = new Map<number, ProcessorEntry>();
  private defaultProcessor: ProcessorEntry | null = null;
  private readonly executors = new Set<RequestExecutor>();
  /** While true, requests from clients that understand it are answered GO_AWAY. */
  protected goingAway = false;
  private scanTimer: ReturnType<typeof setTimeout> | null = null;
  private scanDueAt = Infinity;
  private lastIdleCheck = 0;
  protected stopped = false;

  protected constructor(readonly options: EndpointOptions) {
    this.logger = options.logger;
    this.now = options.clock ?? coarseClock;
    this.traffic = new TrafficRecorder(options.trafficStats);
    this.events = new ChannelEventQueue(options.channelEventQueueCapacity, options.logger);
    this.asyncPermits = new Permits(options.asyncSemaphoreValue);
    this.onewayPermits = new Permits(options.onewaySemaphoreValue);
    this.defaultExecutor = new EventLoopExecutor({ maxInFlight: options.maxInFlightRequests, maxQueued: options.maxQueuedRequests });
    this.executors.add(this.defaultExecutor);
  }

  /** "server" or "client", for messages and traces. */
  abstract readonly role: "server" | "client";

  // ---- registration ---------------------------------------------------------------------------

  registerProcessor(code: number, processor: RequestProcessor | string, executor?: RequestExecutor): void {
    if (!Number.isInteger(code)) throw new TypeError(`registerProcessor: code must be an integer, got ${code}`);
    const entry = this.processorEntry("registerProcessor", processor, executor);
    this.traffic.served.track(code); // stats: always count a served code one by one
    if (code >= 0 && code < DIRECT_CODES) this.directProcessors[code] = entry;
    else this.processors.set(code, entry);
  }

  registerDefaultProcessor(processor: RequestProcessor | string, executor?: RequestExecutor): void {
    this.defaultProcessor = this.processorEntry("registerDefaultProcessor", processor, executor);
  }

  registerRPCHook(hook: RPCHook): void {
    if (hook != null && (typeof hook.doBeforeRequest !== "function" || typeof hook.doAfterResponse !== "function")) {
      throw new TypeError("registerRPCHook: a hook needs doBeforeRequest and doAfterResponse methods");
    }
    this.hooks.register(hook);
  }

  clearRPCHook(): void {
    this.hooks.clear();
  }

  setChannelEventListener(listener: ChannelEventListener | null): void {
    this.events.setListener(listener);
  }

  private processorEntry(method: string, processor: RequestProcessor | string, executor: RequestExecutor | undefined): ProcessorEntry {
    const exec: RequestExecutor = executor ?? this.defaultExecutor;
    if (typeof exec?.execute !== "function") throw new TypeError(`${method}: executor must have an execute(task) method`);
    let reject: (() => boolean) | null = null;
    if (typeof processor === "string") {
      if (exec.namedProcessors !== true) throw new TypeError(`${method}: processor "${processor}" is given by name, which needs a WorkerExecutorGroup`);
    } else if (typeof processor === "object" && processor !== null && typeof processor.processRequest === "function") {
      if (typeof processor.rejectRequest === "function") reject = processor.rejectRequest.bind(processor);
    } else if (typeof processor !== "function") {
      throw new TypeError(`${method}: processor must be a function or an object with processRequest()`);
    }
    this.executors.add(exec);
    return { processor, executor: exec, reject };
  }

  // ---- inbound --------------------------------------------------------------------------------

  /** Every decoded frame arrives here: responses by flag bit 0, everything else is a request. */
  onCommand(conn: Connection, cmd: RemotingCommand): void {
    if ((cmd.flag & RPC_TYPE_RESPONSE) !== 0) this.processResponse(conn, cmd);
    else this.processRequest(conn, cmd);
  }

  private processRequest(conn: Connection, request: RemotingCommand): void {
    const code = request.code;
    this.traffic.served.request(code); // stats
    const entry = (code >= 0 && code < DIRECT_CODES ? this.directProcessors[code] : this.processors.get(code)) ?? this.defaultProcessor;
    if (entry === null) {
      this.logger.debug(`${this.role}: no processor for request code ${request.code} from ${conn.remoteAddress}`);
      this.reply(conn, request, RemotingSysResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`);
      return;
    }
    if (this.goingAway && request.version >= GO_AWAY_MIN_VERSION) {
      this.reply(conn, request, ResponseCode.GO_AWAY, "please go away");
      return;
    }
    if (entry.reject !== null) {
      let rejected: boolean;
      try {
        rejected = entry.reject();
      } catch (error) {
        this.writeResponse(conn, request, this.errorResponseFor(error));
        return;
      }
      if (rejected) {
        this.reply(conn, request, RemotingSysResponseCode.SYSTEM_BUSY, REJECT_REQUEST_REMARK);
        return;
      }
    }
    if (conn.pendingIn >= this.options.maxPendingRequestsPerConnection) {
      this.logger.debug(`${this.role}: ${conn.remoteAddress} has ${conn.pendingIn} requests in progress (maxPendingRequestsPerConnection); code ${code} answered SYSTEM_BUSY`);
      this.reply(conn, request, RemotingSysResponseCode.SYSTEM_BUSY, CONNECTION_BUSY_REMARK);
      return;
    }
    conn.pendingIn++; // until the request settles (request-task.ts)
    const { executor, processor } = entry;
    const accepted =
      executor instanceof EventLoopExecutor && typeof processor !== "string"
        ? executor.accept(this, conn, request, processor)
        : executor.execute(new RequestTask(this, conn, request, processor));
    if (!accepted) {
      conn.pendingIn--;
      this.reply(conn, request, RemotingSysResponseCode.SYSTEM_BUSY, OVERLOAD_REMARK);
    }
  }

  private processResponse(conn: Connection, response: RemotingCommand): void {
    const p = this.responseTable.take(response.opaque);
    if (p === undefined) {
      this.logger.debug(`${this.role}: response with opaque ${response.opaque} from ${conn.remoteAddress} matches no pending request (late or unknown), dropped`);
      return;
    }
    if (p.conn !== conn || p.state !== PendingState.Sent) {
      // Opaques are per process, not per connection: a peer must not settle another connection's call.
      this.responseTable.add(p);
      this.peerWarnings.warn(this.logger, this.now(), `${this.role}: ${conn.remoteAddress} answered opaque ${response.opaque}, which it was never sent; dropped`);
      return;
    }
    p.state = PendingState.Done;
    conn.pendingOut--;
    if (response.code === ResponseCode.GO_AWAY && this.handleGoAway(p, response)) return;
    p.releasePermit();
    if (!this.hooks.isEmpty) {
      try {
        this.hooks.after(conn.remoteAddress, p.request, response);
      } catch (error) {
        this.logger.warn(`RPC hook doAfterResponse threw for opaque ${p.opaque}: ${describeError(error)}`, error);
      }
    }
    this.callBack(p, null, response);
    this.pendingPool.recycle(p); // answered: nothing refers to it any more
    if (conn.closeWhenIdle) this.closeIfIdle(conn);
  }

  /** A GO_AWAY answer; true when it was handled (the client re-sends the call, or fails it). */
  protected handleGoAway(_p: PendingRequest, _response: RemotingCommand): boolean {
    return false;
  }

  /**
   * The same call again under a fresh opaque, with what is left of its deadline and its permit
   * (taken over from `p`, which is done).
   */
  protected reinvoke(p: PendingRequest): PendingRequest {
    const opaque = nextOpaque();
    p.request.opaque = opaque;
    const retry = this.pendingPool.take().init(opaque, p.request, p.deadline, p.timeoutMs, p.addr, p.oneway, p.callback, p.permits);
    p.permits = null;
    retry.sync = p.sync;
    retry.nameServerAttempts = p.nameServerAttempts;
    retry.trace = p.trace;
    this.responseTable.add(retry);
    return retry;
  }

  /** The response for a request that failed with `error`: its abort code, or SYSTEM_ERROR. */
  errorResponseFor(error: unknown): RemotingCommand {
    if (error instanceof RemotingAbortProcessError) return this.createResponse(error.responseCode, error.message);
    return this.createResponse(RemotingSysResponseCode.SYSTEM_ERROR, describeError(error));
  }

  createResponse(code: number, remark: string | null): RemotingCommand {
    const o = this.options;
    return new Command(code, o.language, o.version, 0, RPC_TYPE_RESPONSE, remark, null, null, o.serializeType);
  }

  private reply(conn: Connection, request: RemotingCommand, code: number, remark: string): void {
    this.writeResponse(conn, request, this.createResponse(code, remark));
  }

  /**
   * Answers `request` on `conn` with `response`: never for a oneway request; the response carries
   * the request's opaque and the response flag. A response that cannot be encoded is replaced by
   * a SYSTEM_ERROR saying why, so the caller is not left waiting.
   */
  writeResponse(conn: Connection, request: RemotingCommand, response: RemotingCommand): void {
    if (response.code !== RemotingSysResponseCode.SUCCESS) this.traffic.served.error(request.code, String(response.code)); // stats
    if (isOneway(request)) return;
    response.opaque = request.opaque;
    response.flag = (response.flag | RPC_TYPE_RESPONSE) & ~RPC_ONEWAY;
    if (!conn.isActive) {
      this.logger.debug(`${this.role}: response to opaque ${request.opaque} dropped, ${conn.remoteAddress} is gone`);
      return;
    }
    try {
      conn.send(response);
    } catch (error) {
      this.logger.warn(`${this.role}: response to code ${request.code} could not be encoded: ${describeError(error)}`);
      const fallback = this.createResponse(RemotingSysResponseCode.SYSTEM_ERROR, `response could not be encoded: ${(error as Error).message}`);
      this.traffic.served.error(request.code, String(fallback.code)); // stats
      fallback.opaque = request.opaque;
      conn.send(fallback);
    }
  }

  // ---- outbound -------------------------------------------------------------------------------

  /**
   * Registers an outbound call: takes a permit, gives the request a fresh opaque (the opaque belongs
   * to the invocation, so reusing a command object is safe) and starts its deadline. Returns null
   * after failing the callback when no permit is free.
   */
  protected startInvoke(request: RemotingCommand, timeoutMs: number, addr: string, oneway: boolean, callback: InvokeCallback): PendingRequest | null {
    this.traffic.invoked.request(request.code); // stats
    const trace = isTraced(invokeChannel) ? traceInvokeStart(this.role, addr, request, oneway, timeoutMs) : null;
    const permits = oneway ? this.onewayPermits : this.asyncPermits;
    if (!permits.tryAcquire()) {
      const kind = oneway ? "invokeOnewayImpl" : "invokeAsyncImpl";
      const error = new RemotingTooMuchRequestError(`${kind} invoke too fast: all ${permits.total} ${oneway ? "oneway" : "async"} permits are in use`);
      this.traffic.invoked.error(request.code, error.code);
      if (trace === null) callback(error);
      else {
        traceInvokeOutcome(trace, error, undefined, () => callback(error));
        invokeChannel.end.publish(trace);
      }
      return null;
    }
    const opaque = nextOpaque();
    request.opaque = opaque;
    request.flag = oneway ? (request.flag | RPC_ONEWAY) & ~RPC_TYPE_RESPONSE : request.flag & ~(RPC_ONEWAY | RPC_TYPE_RESPONSE);
    const p = this.pendingPool.take().init(opaque, request, this.now() + timeoutMs, timeoutMs, addr, oneway, callback, permits);
    this.responseTable.add(p);
    if (p.deadline < this.scanDueAt) this.armScan(p.deadline);
    if (trace !== null) {
      p.trace = trace;
      invokeChannel.end.publish(trace);
    }
    return p;
  }

  /** Sends a registered call on an open connection, or parks it until the connection drains. */
  protected dispatch(conn: Connection, p: PendingRequest): void {
    if (p.state === PendingState.Done) return;
    p.conn = conn;
    if (!conn.queue.writable || conn.stalled.length > 0) {
      p.state = PendingState.Stalled;
      conn.stalled.push(p);
      return;
    }
    this.transmit(conn, p);
  }

  private transmit(conn: Connection, p: PendingRequest): void {
    const request = p.request;
    if (!this.hooks.isEmpty) {
      try {
        this.hooks.before(conn.remoteAddress, request, "outbound");
      } catch (error) {
        this.settle(p, new RemotingSendRequestError(p.addr, { cause: error, message: `send request to ${p.addr} failed: an RPC hook refused it: ${describeError(error)}` }));
        return;
      }
    }
    request.opaque = p.opaque; // the command object may have been reused for another call meanwhile
    if (p.sync) p.sentAt = this.now(); // only the close-on-timeout rule needs it
    try {
      conn.send(request);
    } catch (error) {
      this.settle(p, new RemotingSendRequestError(p.addr, { cause: error, message: `send request to ${p.addr} failed: ${(error as Error).message}` }));
      return;
    }
    if (p.oneway) {
      this.responseTable.remove(p);
      p.state = PendingState.Done;
      p.releasePermit();
      this.callBack(p, null);
    } else {
      p.state = PendingState.Sent;
      conn.pendingOut++;
    }
  }

  /** Fails a call that has not settled yet. */
  protected settle(p: PendingRequest, error: Error): void {
    if (p.state === PendingState.Done) return;
    this.responseTable.remove(p);
    this.fail(p, error);
  }

  /** Fails a call that is out of the response table: its connection's count, its permit, its callback. */
  protected fail(p: PendingRequest, error: Error): void {
    const conn = p.conn;
    if (p.state === PendingState.Sent && conn !== null) conn.pendingOut--;
    p.state = PendingState.Done;
    p.releasePermit();
    this.callBack(p, error);
    if (conn?.closeWhenIdle === true) this.closeIfIdle(conn);
  }

  /** Closes `conn` once none of its sent calls waits for an answer. */
  protected closeIfIdle(conn: Connection): void {
    if (conn.pendingOut === 0) conn.close();
    else conn.closeWhenIdle = true;
  }

  /** Every call settles here: stats, tracing, then the caller's callback. */
  protected callBack(p: PendingRequest, error: Error | null, response?: RemotingCommand): void {
    const code = p.request.code;
    const invoked = this.traffic.invoked; // stats
    if (error !== null) invoked.error(code, (error as Partial<RemotingError>).code ?? error.name);
    else if (response !== undefined) {
      invoked.latency(code, this.now() - (p.deadline - p.timeoutMs));
      if (response.code !== RemotingSysResponseCode.SUCCESS) invoked.error(code, String(response.code));
    }
    if (p.trace === null) this.runCallback(p, error, response);
    else traceInvokeOutcome(p.trace, error, response, () => this.runCallback(p, error, response));
  }

  private runCallback(p: PendingRequest, error: Error | null, response: RemotingCommand | undefined): void {
    try {
      p.callback(error, response);
    } catch (callbackError) {
      this.logger.warn(`invoke callback for opaque ${p.opaque} threw: ${describeError(callbackError)}`, callbackError);
    }
  }

  /** Invoke on a known connection (server -> client calls, and the client once connected). */
  protected invokeOnConnection(conn: Connection, request: RemotingCommand, timeoutMs: number, oneway: boolean, callback: InvokeCallback): void {
    if (this.stopped) {
      callback(this.stoppedError(conn.remoteAddress));
      return;
    }
    if (!conn.isActive) {
      callback(new RemotingSendRequestError(conn.remoteAddress, { message: `send request to ${conn.remoteAddress} failed: the channel is closed` }));
      return;
    }
    const p = this.startInvoke(request, timeoutMs, conn.remoteAddress, oneway, callback);
    if (p !== null) this.dispatch(conn, p);
  }

  // ---- connections ----------------------------------------------------------------------------

  onWritabilityChange(conn: Connection, writable: boolean): void {
    this.onBackpressure(conn, writable);
    if (!writable) return;
    const stalled = conn.stalled;
    let i = 0;
    while (i < stalled.length && conn.queue.writable) {
      const p = stalled[i++]!;
      if (p.state === PendingState.Stalled) this.transmit(conn, p);
    }
    conn.stalled = stalled.slice(i);
  }

  /** Server: stop and resume reading a connection that does not keep up with its responses. */
  protected onBackpressure(_conn: Connection, _writable: boolean): void {}

  /** The connection sent bytes that are not the protocol, or broke a limit: log, tell the listener, close it. */
  onConnectionError(conn: Connection, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.peerWarnings.warn(this.logger, this.now(), `${this.role}: closing ${conn.remoteAddress}: ${err.message}`);
    this.events.emit("EXCEPTION", conn.remoteAddress, conn, err);
    conn.close();
  }

  /** The first byte asked for TLS where the tlsMode forbids it, or the reverse. */
  onTlsRefused(conn: Connection, reason: string): void {
    this.onConnectionError(conn, new RemotingTlsError(reason));
  }

  /** The socket is closed: every call still bound to it fails now, not at its deadline. */
  onConnectionClosed(conn: Connection, error?: Error): void {
    this.connections.delete(conn);
    if (error instanceof RemotingTlsError) {
      // A failed TLS handshake (or a refused client certificate) is worth a line, unlike a plain reset.
      this.peerWarnings.warn(this.logger, this.now(), `${this.role}: ${conn.remoteAddress} closed: ${error.message}`);
      this.events.emit("EXCEPTION", conn.remoteAddress, conn, error);
    }
    const failed = this.responseTable.ofConnection(conn);
    conn.stalled = [];
    for (const p of failed) {
      const message =
        p.state === PendingState.Sent
          ? `send request to ${p.addr} failed: the connection closed before the response arrived`
          : `send request to ${p.addr} failed: the connection closed before the request was sent`;
      this.fail(p, new RemotingSendRequestError(p.addr, { cause: error, message }));
    }
    this.events.emit("CLOSE", conn.remoteAddress, conn);
  }

  // ---- stats ----------------------------------------------------------------------------------

  /** A snapshot of this endpoint's connections, queues and traffic (see RemotingStats). */
  get stats(): RemotingStats {
    let inFlight = 0;
    let queued = 0;
    for (const executor of this.executors) {
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
      pendingCalls: this.responseTable.size,
      droppedEvents: this.events.dropped,
      served: this.traffic.served.snapshot(),
      invoked: this.traffic.invoked.snapshot(),
    };
  }

  // ---- time -----------------------------------------------------------------------------------

  /** Arms the single scan timer for `at` (clamped), unless it is due sooner already. */
  protected armScan(at: number): void {
    if (this.stopped) return;
    const now = this.now();
    const due = Math.max(at, now + MIN_SCAN_SPACING_MS);
    if (this.scanTimer !== null) {
      if (due >= this.scanDueAt) return;
      clearTimeout(this.scanTimer);
    }
    this.scanDueAt = due;
    const timer = setTimeout(() => this.scan(), Math.max(0, due - now));
    (timer as { unref?: () => void }).unref?.();
    this.scanTimer = timer;
  }

  /** Times out expired calls, closes idle connections, re-arms for the earliest deadline left. */
  scan(): void {
    this.scanTimer = null;
    this.scanDueAt = Infinity;
    if (this.stopped) return;
    const now = this.now();
    let earliest = now + this.options.scanIntervalMs;
    const table = this.responseTable;
    if (table.size > 0) {
      const { expired, earliestLeft } = table.expire(now);
      for (const p of expired) this.expire(p);
      earliest = Math.min(earliest, earliestLeft);
    }
    if (now - this.lastIdleCheck >= this.options.scanIntervalMs) {
      this.lastIdleCheck = now;
      this.checkConnections(now);
    }
    this.armScan(earliest);
  }

  private expire(p: PendingRequest): void {
    const state = p.state;
    const message =
      state === PendingState.Connecting
        ? `invoke to ${p.addr} timeout: no connection within the ${p.timeoutMs}(ms) budget`
        : state === PendingState.Stalled
          ? `invoke to ${p.addr} timeout: the connection did not drain within the ${p.timeoutMs}(ms) budget`
          : undefined;
    this.onCallTimeout(p);
    this.fail(p, new RemotingTimeoutError(p.addr, p.timeoutMs, { message }));
  }

  /** Client: the 5.1.4+ close-on-timeout rule. */
  protected onCallTimeout(_p: PendingRequest): void {}

  /** Closes connections idle for channelMaxIdleMs, and those stuck in a frame or handshake for frameTimeoutMs. */
  private checkConnections(now: number): void {
    const { channelMaxIdleMs: maxIdle, frameTimeoutMs } = this.options;
    if (maxIdle === 0 && frameTimeoutMs === 0) return;
    for (const conn of this.connections) {
      conn.observe(now);
      if (frameTimeoutMs > 0 && conn.frameStartedAt >= 0 && now - conn.frameStartedAt >= frameTimeoutMs) {
        const what = conn.decoder.bufferedBytes > 0 ? `a frame (${conn.decoder.bufferedBytes} bytes so far)` : "the TLS handshake";
        this.onConnectionError(conn, new RemotingLimitError("frameTimeoutMs", `${what} was not completed within frameTimeoutMs ${frameTimeoutMs}`));
      } else if (maxIdle > 0 && now - conn.lastActive >= maxIdle && conn.pendingOut === 0) {
        this.logger.info(`${this.role}: closing ${conn.remoteAddress}, idle for ${Math.round(now - conn.lastActive)} ms`);
        this.events.emit("IDLE", conn.remoteAddress, conn);
        conn.close();
      }
    }
  }

  /** Starts the periodic scan (idle checks run even with no call pending). */
  protected startTimers(): void {
    this.lastIdleCheck = this.now();
    this.armScan(this.now() + this.options.scanIntervalMs);
  }

  protected stopTimers(): void {
    this.stopped = true;
    if (this.scanTimer !== null) clearTimeout(this.scanTimer);
    this.scanTimer = null;
    this.scanDueAt = Infinity;
  }

  // ---- shutdown -------------------------------------------------------------------------------

  /** Resolves when nothing is in flight (processors, calls, unsent bytes), or after `timeoutMs`. */
  protected async drain(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    const quiet = (): boolean => {
      if (this.responseTable.size > 0) return false;
      for (const conn of this.connections) if (conn.queue.queuedBytes > 0) return false;
      return true;
    };
    const executorsIdle = Promise.all([...this.executors].map((e) => e.idle()));
    let idle = false;
    void executorsIdle.then(() => (idle = true));
    while (performance.now() < deadline) {
      if (idle && quiet()) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, Math.max(1, deadline - performance.now()))));
    }
    return idle && quiet();
  }

  /** Fails every call still pending with `message`, and closes every connection. */
  protected closeEverything(message: string): void {
    for (const p of this.responseTable.drain(() => true)) {
      this.fail(p, new RemotingSendRequestError(p.addr, { message: `send request to ${p.addr} failed: ${message}` }));
    }
    for (const conn of [...this.connections]) conn.close();
  }

  /** The error for calls made after shutdown started. */
  protected stoppedError(addr: string): RemotingError {
    return new RemotingSendRequestError(addr, { message: `send request to ${addr} failed: the ${this.role} is shut down` });
  }
}
