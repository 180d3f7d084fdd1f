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

/** The channel names, for `diagnostics_channel.tracingChannel(name)`. */
export const TracingChannels = {
  invoke: "bun-remoting:invoke",
  process: "bun-remoting:process",
} as const;
