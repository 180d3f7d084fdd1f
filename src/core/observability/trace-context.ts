import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { RemotingChannel } from "../inbound/processor.ts";

/*
 * What a tracing subscriber sees (the channels themselves live in tracing.ts). Kept apart so that
 * the package's type declarations do not need Node's types.
 */

/** A call this endpoint makes (invokeSync / invokeAsync / invokeOneway). */
export interface InvokeTraceContext {
  /** Whether a RemotingServer (calling a client back) or a RemotingClient made the call. */
  role: "server" | "client";
  /** The address called: as given to the invoke ("name server" for a name-server call), or the channel's remote address. */
  addr: string;
  /** The command being sent (its opaque is set when it goes on the wire). */
  request: RemotingCommand;
  /** True for invokeOneway. */
  oneway: boolean;
  /** The call's budget in ms. */
  timeoutMs: number;
  /** The response, from asyncStart on (undefined for a oneway call or a failure). */
  result?: RemotingCommand;
  /** Why the call failed, from `error` on. */
  error?: Error;
}

/** A request a processor of this endpoint handles. */
export interface ProcessTraceContext {
  /** Whether a RemotingServer or a RemotingClient (serving a server's call) handles the request. */
  role: "server" | "client";
  /** The request being processed. */
  request: RemotingCommand;
  /** "host:port" of the peer that sent it (the original client's, behind a PROXY header). */
  remoteAddress: string;
  /** The connection it came on (ctx.channel). */
  channel: RemotingChannel;
  /** What the processor returned: a response, null, or (for `end` of an async one) its promise. */
  result?: unknown;
  /** What the processor threw or rejected with. */
  error?: unknown;
}

/**
 * An answer this endpoint wrote to a peer's request, or tried to: a processor's, a late one
 * (ctx.writeResponse), or one the endpoint gave itself (REQUEST_CODE_NOT_SUPPORTED, SYSTEM_BUSY,
 * GO_AWAY, SYSTEM_ERROR). Published on the plain channel ResponseChannel, once per answer.
 */
export interface ResponseTraceContext {
  /** Whether a RemotingServer or a RemotingClient answered. */
  role: "server" | "client";
  /** The request answered. */
  request: RemotingCommand;
  /** The answer as sent (or as it would have been). */
  response: RemotingCommand;
  /** "host:port" of the peer that sent the request. */
  remoteAddress: string;
  /** The connection the request came on. */
  channel: RemotingChannel;
  /** From the request's arrival until its answer was handed to the connection, in ms (turn-grained clock). */
  elapsedMs: number;
  /** "written": queued for the peer; "oneway": a oneway request, never answered; "channel_closed": its connection was gone. */
  outcome: "written" | "oneway" | "channel_closed";
  /** Answered later through ctx.writeResponse, after its processor returned no answer (a long poll). */
  suspended: boolean;
}

/** The channel names, for `diagnostics_channel.tracingChannel(name)`. */
export const TracingChannels = {
  /** Calls this process makes: start, end, error, asyncStart / asyncEnd around the caller's callback. */
  invoke: "bun-remoting:invoke",
  /** Requests this process's processors handle: start, end, error, asyncStart / asyncEnd around an async processor's answer. */
  process: "bun-remoting:process",
} as const;

/** The plain channel every answer is published on: `diagnostics_channel.channel(ResponseChannel)`. */
export const ResponseChannel = "bun-remoting:response";
