import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { RemotingChannel } from "../inbound/processor.ts";

/*
 * What a tracing subscriber sees (the channels themselves live in tracing.ts). Kept apart so that
 * the package's type declarations do not need Node's types.
 */

/** A call this endpoint makes (invokeSync / invokeAsync / invokeOneway). */
export interface InvokeTraceContext {
  role: "server" | "client";
  /** The address called (a name server's, once chosen). */
  addr: string;
  request: RemotingCommand;
  oneway: boolean;
  timeoutMs: number;
  /** The response, from asyncStart on (undefined for a oneway call or a failure). */
  result?: RemotingCommand;
  /** Why the call failed, from `error` on. */
  error?: Error;
}

/** A request a processor of this endpoint handles. */
export interface ProcessTraceContext {
  role: "server" | "client";
  request: RemotingCommand;
  remoteAddress: string;
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
  role: "server" | "client";
  request: RemotingCommand;
  /** The answer as sent (or as it would have been). */
  response: RemotingCommand;
  remoteAddress: string;
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
  invoke: "bun-remoting:invoke",
  process: "bun-remoting:process",
} as const;

/** The plain channel every answer is published on: `diagnostics_channel.channel(ResponseChannel)`. */
export const ResponseChannel = "bun-remoting:response";
