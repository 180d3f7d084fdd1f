import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { ProxyHeader } from "../../protocol/proxy/proxy-header.ts";
import type { Signal } from "../signal.ts";

/** A connection as user code sees it: pass it to server.invoke*(channel, ...) to call the peer. */
export interface RemotingChannel {
  /** Unique within the process. */
  readonly id: number;
  /** "host:port" of the peer ("unix:<path>" on a unix socket; the original client's behind a PROXY header). */
  readonly remoteAddress: string;
  /** "host:port" of this end ("unix:<path>" on a unix socket). */
  readonly localAddress: string;
  /** False once closed, or being closed. */
  readonly isActive: boolean;
  /** Closes the connection (what is queued is offered to the socket first, then FIN); its pending calls fail at once. */
  close(): void;
}

/**
 * What a processor gets besides the request: the connection it came on and what belongs to that
 * connection. One context per connection, shared by its requests.
 */
export interface ProcessorContext {
  /** The connection, for calls back to the peer (`server.invokeSync(ctx.channel, ...)`). */
  readonly channel: RemotingChannel;
  /** "host:port" of the peer ("unix:<path>" on a unix socket; the original client's behind a PROXY header). */
  readonly remoteAddress: string;
  /** "host:port" of this end. */
  readonly localAddress: string;
  /**
   * Aborted when the connection closes or the endpoint's shutdown begins (the reason says which):
   * long work, such as a long poll, can stop, since nobody will read its answer.
   */
  readonly signal: Signal;
  /**
   * Values kept with the connection across its requests (Netty's channel attributes). A connection
   * that came with a PROXY header also has Java's attributes for it here (proxy_protocol_addr,
   * proxy_protocol_port, proxy_protocol_server_addr, proxy_protocol_server_port,
   * proxy_protocol_tlv_0x<hh> for each TLV whose value is printable ASCII).
   */
  readonly attributes: Map<string, unknown>;
  /**
   * The PROXY protocol header the connection opened with (server option proxyProtocol), TLVs
   * included; null without one. With one, remoteAddress is the original client's.
   */
  readonly proxyHeader: ProxyHeader | null;
  /**
   * Answers `request` later, for a processor that returned null or undefined (long polling and
   * the like). Sets the response's opaque and response flag; does nothing for oneway requests or
   * once the connection is closed.
   */
  writeResponse(request: RemotingCommand, response: RemotingCommand): void;
}

/**
 * What a processor returns: the response, or null / undefined for "no response now" (it may answer
 * later with ctx.writeResponse), or a promise of either. Anything else is answered SYSTEM_ERROR.
 */
export type ProcessorResult = RemotingCommand | null | undefined | Promise<RemotingCommand | null | undefined>;
/** A processor as a function: gets the connection's context and the request, returns the answer (see ProcessorResult). */
export type ProcessorFunction = (ctx: ProcessorContext, request: RemotingCommand) => ProcessorResult;

/** Java's NettyRequestProcessor: `rejectRequest()` true answers SYSTEM_BUSY without processing. */
export interface ProcessorObject {
  /** Handles one request, as a ProcessorFunction does. */
  processRequest(ctx: ProcessorContext, request: RemotingCommand): ProcessorResult;
  /**
   * Asked before each request is handed to the executor: true answers it SYSTEM_BUSY
   * "[REJECTREQUEST]..." without processing (Java clients back off). A throw is answered SYSTEM_ERROR.
   */
  rejectRequest?(): boolean;
}

/** What registerProcessor takes for an executor on the event loop: a function or an object with processRequest. */
export type RequestProcessor = ProcessorFunction | ProcessorObject;
