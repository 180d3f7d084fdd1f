import { RemotingTlsError } from "../../errors.ts";
import { ProxyHeaderParser, type ProxyHeaderMode, type ProxyParseResult } from "../../protocol/proxy/proxy-header-parser.ts";
import { formatAddress, UNIX_PREFIX } from "../address.ts";
import { RPC_TYPE_RESPONSE } from "../../protocol/flags.ts";
import { FrameDecoder } from "../../protocol/frame-decoder.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { SocketHandler, TransportSocket } from "../transport.ts";
import type { ListNode } from "../util/linked-list.ts";
import { LinkedList } from "../util/linked-list.ts";
import { ConnectionContext, setContextProxyHeader, type ContextTarget } from "./connection-context.ts";
import { decideTls, type TlsMode } from "./tls-mode.ts";
import { WriteQueue } from "./write-queue.ts";

/** A server connection's TLS rule, applied to its first byte. */
export interface TlsGate {
  mode: TlsMode;
  /** The server has a certificate and the transport can start TLS on an accepted socket. */
  canServeTls: boolean;
}

/** The limits a connection enforces on its own. */
export interface ConnectionLimits {
  maxFrameLength: number;
  maxHeaderLength: number;
  writeBufferHighWaterMark: number;
  writeBufferLowWaterMark: number;
}

/** An inbound request in progress on a connection (it leaves the list when it is done). */
export interface LiveRequest extends ListNode<LiveRequest> {
  /** The connection closed: end without running or answering. */
  drop(): void;
}

/** Takes the requests a connection receives (the endpoint's inbound path). */
export interface RequestSink {
  /** Whether another request of `conn` may be taken now; when not, input is held until resumeInput(). */
  admits(conn: Connection): boolean;
  onRequest(conn: Connection, request: RemotingCommand): void;
}

/** Takes the responses a connection receives (the endpoint's outbound calls). */
export interface ResponseSink {
  onResponse(conn: Connection, response: RemotingCommand): void;
}

/** What a connection tells its endpoint, and asks of it: the only way the two talk. */
export interface ConnectionOwner {
  readonly limits: ConnectionLimits;
  /** The turn-grained clock (activity stamps). */
  coarseNow(): number;
  /**
   * Where the connection's requests and responses go, read once when it is made: straight to the
   * part that handles them, with no call in between (a call is a visible share of a request).
   */
  readonly requestSink: RequestSink;
  readonly responseSink: ResponseSink;
  /** The write queue crossed a water mark. */
  onWritable(conn: Connection, writable: boolean): void;
  /** The peer broke the protocol or a limit: the connection is closed with `error` as the reason. */
  onProtocolError(conn: Connection, error: Error): void;
  /**
   * The connection is done for: the core began closing it, or the socket closed by itself. Nothing
   * more is read or answered from now on, so what depends on it ends now. Called once, first.
   */
  onClosing(conn: Connection, reason: Error | undefined): void;
  /** The socket closed; `reason` is why, when known. Called once, after onClosing. */
  onClosed(conn: Connection, reason: Error | undefined): void;
  /** ctx.writeResponse: a late answer. */
  writeResponse(conn: Connection, request: RemotingCommand, response: RemotingCommand): void;
}

/** Each connection by its context, for server.invoke*(channel): the context shows nothing of the connection itself. */
const byContext = new WeakMap<object, Connection>();

/** The connection whose context (ctx.channel) `channel` is, or undefined for anything else. */
export function connectionOf(channel: unknown): Connection | undefined {
  return typeof channel === "object" && channel !== null ? byContext.get(channel) : undefined;
}

/** No frame (or TLS handshake) in progress. */
const IDLE = -1;
/** A frame (or handshake) began since the last check, which stamps the time (see observe()). */
const STARTED = -2;

/**
 * One socket and what the core keeps for it: its frame decoder, its write queue, its inbound
 * requests in progress, and the context its processors see. It reports frames and events to its
 * owner (the endpoint) through ConnectionOwner, and holds input while the owner does not admit
 * more requests (a peer that does not read its answers, or answers still being produced).
 */
export class Connection implements SocketHandler, ContextTarget {
  readonly decoder: FrameDecoder;
  readonly queue: WriteQueue;
  readonly context: ConnectionContext;
  /** Inbound requests accepted and not done yet (maxPendingRequestsPerConnection counts them). */
  readonly requests = new LinkedList<LiveRequest>();
  /** Outbound calls sent on this connection and not yet answered. */
  pendingOut = 0;
  /**
   * Outbound calls waiting for this connection to drain, in order; null when none wait. Kept here
   * (a field read per call) rather than in a map of the outbound part; only OutboundCalls uses it,
   * and types its elements (naming them here would make connection/ import outbound/).
   */
  stalled: LinkedList<never> | null = null;
  /** Close as soon as pendingOut falls to 0 (the client was told GO_AWAY on it). */
  closeWhenIdle = false;
  /** When traffic was last seen, as of the last check (observe()). */
  lastActive: number;
  /**
   * Traffic since the last check. Reading the clock for every chunk and every frame sent would cost
   * more than the checks need: activity is stamped by the periodic check instead, accurate to one
   * scanIntervalMs, which is plenty for limits measured in tens of seconds.
   */
  private activeSinceCheck = false;
  /**
   * When the frame now being received began (its first byte arrived), or the TLS handshake started;
   * IDLE when none is in progress. The scan closes the connection after frameTimeoutMs (slowloris).
   */
  frameStartedAt = IDLE;
  /** Frames decoded so far: tells a chunk that completed a frame and started the next from one that only continued it. */
  private framesIn = 0;
  /** Frames that arrived while requests were not admitted, processed in order once they are. */
  private held: RemotingCommand[] | null = null;
  private resuming = false;
  /** Until the socket reports its close. */
  private active = true;
  /** The core asked to close (close or destroy): nothing more is read or sent. */
  private closing = false;
  /** Why the core closed the connection (a bad frame, a limit), given to its calls and listeners. */
  private ownReason: Error | undefined = undefined;
  /** Reads the PROXY header the connection must (or may) open with; null once it is read, or without one. */
  private proxyParser: ProxyHeaderParser | null;
  private peerAddress: string;
  readonly localAddress: string;
  private readonly requestSink: RequestSink;
  private readonly responseSink: ResponseSink;
  private readonly onFrame = (cmd: RemotingCommand): void => {
    this.framesIn++;
    this.take(cmd);
  };

  constructor(
    private readonly owner: ConnectionOwner,
    readonly socket: TransportSocket,
    /** The address the client dialled (client side), or the peer's address (server side). */
    readonly addr: string,
    /** Server side: how to treat the first byte (TLS or plaintext); null: no sniffing. */
    private tlsGate: TlsGate | null = null,
    /** Server side: whether a PROXY protocol header comes first (before TLS); null: none is expected. */
    proxyMode: ProxyHeaderMode | null = null,
  ) {
    this.requestSink = owner.requestSink;
    this.responseSink = owner.responseSink;
    this.peerAddress = socket.remoteAddress;
    this.proxyParser = proxyMode === null ? null : new ProxyHeaderParser(proxyMode);
    this.localAddress = socket.localAddress;
    const limits = owner.limits;
    this.decoder = new FrameDecoder({ maxFrameLength: limits.maxFrameLength, maxHeaderLength: limits.maxHeaderLength, lazyBodies: true, copyBodiesUpTo: socket.copyBodiesUpTo ?? 0 });
    this.queue = new WriteQueue(
      socket,
      { highWaterMark: limits.writeBufferHighWaterMark, lowWaterMark: limits.writeBufferLowWaterMark, maxFrameLength: limits.maxFrameLength, maxHeaderLength: limits.maxHeaderLength },
      (writable) => owner.onWritable(this, writable),
    );
    this.context = new ConnectionContext(this, this.peerAddress, this.localAddress);
    byContext.set(this.context, this);
    this.lastActive = owner.coarseNow();
  }

  /** False once closed, or closing: answers and calls for it are dropped from then on. */
  get isActive(): boolean {
    return this.active && !this.closing;
  }

  /** "host:port" of the peer: the original client's when a PROXY header said so. */
  get remoteAddress(): string {
    return this.peerAddress;
  }

  /** Why the core itself closed the connection (reported already when it did), if it did. */
  get closeReason(): Error | undefined {
    return this.ownReason;
  }

  /** Whether `owner` is this connection's owner (its endpoint). */
  belongsTo(owner: ConnectionOwner): boolean {
    return this.owner === owner;
  }

  /** True while input is held (requests not admitted). */
  get isHolding(): boolean {
    return this.held !== null;
  }

  onData(chunk: Uint8Array): void {
    if (!this.active || this.closing) return;
    if (this.proxyParser !== null) {
      this.readProxyHeader(chunk, this.proxyParser);
      return;
    }
    if (this.tlsGate !== null) {
      this.sniff(chunk, this.tlsGate);
      return;
    }
    this.activeSinceCheck = true;
    const queue = this.queue;
    const decoder = this.decoder;
    const framesBefore = this.framesIn;
    queue.hold();
    try {
      decoder.feed(chunk, this.onFrame);
    } catch (error) {
      this.owner.onProtocolError(this, error as Error);
    } finally {
      queue.release();
    }
    if (decoder.bufferedBytes === 0) this.frameStartedAt = IDLE;
    else if (this.frameStartedAt === IDLE || this.framesIn !== framesBefore) this.frameStartedAt = STARTED;
  }

  /** A decoded frame: a response goes straight on; a request waits while requests are not admitted. */
  private take(cmd: RemotingCommand): void {
    if ((cmd.flag & RPC_TYPE_RESPONSE) !== 0) {
      this.responseSink.onResponse(this, cmd);
    } else if (this.held !== null) {
      this.held.push(cmd);
    } else if (this.requestSink.admits(this)) {
      this.requestSink.onRequest(this, cmd);
    } else {
      this.held = [cmd];
      this.socket.pause();
    }
  }

  /** Stops reading: the write queue is over its high-water mark (the owner decides). */
  holdInput(): void {
    if (this.held !== null || !this.active) return;
    this.held = [];
    this.socket.pause();
  }

  /** Takes the held requests for as long as the owner admits them, then reads on. */
  resumeInput(): void {
    const held = this.held;
    if (held === null || this.resuming || !this.active) return;
    this.resuming = true;
    const queue = this.queue;
    queue.hold();
    try {
      let i = 0;
      while (i < held.length && this.active && this.requestSink.admits(this)) this.requestSink.onRequest(this, held[i++]!);
      if (i === held.length) {
        this.held = null;
        if (this.active) this.socket.resume();
      } else {
        held.splice(0, i);
      }
    } finally {
      this.resuming = false;
      queue.release();
    }
  }

  /** What the connection was in the middle of receiving when frameStartedAt was stamped, for the timeout's message. */
  describeStarted(): string {
    if (this.proxyParser !== null) return `the PROXY header (${this.proxyParser.bufferedBytes} bytes so far)`;
    const buffered = this.decoder.bufferedBytes;
    return buffered > 0 ? `a frame (${buffered} bytes so far)` : "the TLS handshake";
  }

  /** The periodic check: stamps activity and frame starts seen since the last one with `now`. */
  observe(now: number): void {
    if (this.activeSinceCheck) {
      this.activeSinceCheck = false;
      this.lastActive = now;
    }
    if (this.frameStartedAt === STARTED) this.frameStartedAt = now;
  }

  /**
   * The PROXY header a connection opens with: once read, the connection is the original client's
   * and the bytes after it go on to the TLS sniff and the frames. Until then, frameTimeoutMs runs.
   */
  private readProxyHeader(chunk: Uint8Array, parser: ProxyHeaderParser): void {
    this.activeSinceCheck = true;
    let result: ProxyParseResult;
    try {
      result = parser.feed(chunk);
    } catch (error) {
      this.proxyParser = null;
      this.owner.onProtocolError(this, error as Error);
      return;
    }
    if (result.state === "incomplete") {
      if (this.frameStartedAt === IDLE) this.frameStartedAt = STARTED;
      return;
    }
    this.proxyParser = null;
    this.frameStartedAt = IDLE;
    let next: Uint8Array;
    if (result.state === "absent") {
      next = result.data;
    } else {
      next = result.rest;
      const { header } = result;
      const source = header.command === "PROXY" ? header.source : null;
      if (source !== null) this.peerAddress = header.family === "UNIX" ? `${UNIX_PREFIX}${source.address}` : formatAddress(source.address, source.port);
      setContextProxyHeader(this.context, header, this.peerAddress);
    }
    if (next.length > 0) this.onData(next);
  }

  /** The first bytes of a server connection: plaintext goes on here, TLS goes to the transport, or the connection is refused. */
  private sniff(chunk: Uint8Array, gate: TlsGate): void {
    if (chunk.length === 0) return;
    this.tlsGate = null;
    const decision = decideTls(gate.mode, chunk[0]!, gate.canServeTls);
    if (decision.action === "plaintext") {
      this.onData(chunk);
    } else if (decision.action === "tls") {
      this.activeSinceCheck = true;
      this.frameStartedAt = STARTED; // the handshake must finish within frameTimeoutMs
      this.socket.startTls!(chunk);
    } else {
      this.owner.onProtocolError(this, new RemotingTlsError(decision.reason));
    }
  }

  onSecure(): void {
    this.frameStartedAt = IDLE;
  }

  onDrain(): void {
    this.queue.onDrain();
  }

  onClose(error?: Error): void {
    if (!this.active) return;
    this.active = false;
    this.queue.close();
    const reason = error ?? this.ownReason;
    if (!this.closing) {
      this.closing = true; // closed by the peer or the transport (its error is not the core's own reason)
      this.owner.onClosing(this, reason);
    }
    this.owner.onClosed(this, reason);
  }

  /** The first step of a close the core asks for: no more input or answers, and the owner ends what depends on the connection. */
  private beginClose(reason: Error | undefined): void {
    if (this.closing) return;
    this.closing = true;
    this.ownReason ??= reason;
    this.owner.onClosing(this, this.ownReason);
  }

  /** Requests that were read but never taken (input was held when the connection closed); forgets them. */
  takeHeldRequests(): number {
    const count = this.held?.length ?? 0;
    this.held = null;
    return count;
  }

  /**
   * Queues a command for sending; returns its frame's size. Throws RemotingCommandError if it cannot
   * be encoded or is too large: nothing of it is queued then.
   */
  send(cmd: RemotingCommand): number {
    const bytes = this.queue.enqueue(cmd);
    this.activeSinceCheck = true; // writing is activity too (Java's all-idle rule)
    return bytes;
  }

  writeResponse(request: RemotingCommand, response: RemotingCommand): void {
    this.owner.writeResponse(this, request, response);
  }

  /** Offers what is queued to the socket, then closes (FIN); what the socket does not take is dropped. `reason`, when given, is what the connection's calls and listeners are told. */
  close(reason?: Error): void {
    if (!this.active || this.closing) return;
    this.beginClose(reason);
    this.queue.flush();
    this.socket.end();
  }

  /** Closes at once (RST), dropping anything unsent now (its memory too). */
  destroy(reason?: Error): void {
    if (!this.active) return;
    this.beginClose(reason);
    this.queue.close();
    this.socket.destroy();
  }

  toString(): string {
    return `connection(${this.peerAddress})`;
  }
}
