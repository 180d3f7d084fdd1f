import type { RemotingCommand } from "../protocol/remoting-command.ts";
import type { ProcessorContext } from "./inbound/processor.ts";

/**
 * Which way a request goes: "inbound" requests arrived from the peer and are about to be processed
 * here; "outbound" requests are about to be sent to the peer (servers call clients too).
 */
export type RequestDirection = "inbound" | "outbound";

/**
 * Runs around every request. Server side: before the processor and after it (with its response,
 * possibly null). Client side: before sending, and after a response arrived (not for oneway calls,
 * nor for calls that failed). A hook may add extFields before the request is encoded (ACL
 * signatures), or throw RemotingAbortProcessError to refuse a request with a chosen code.
 * Java's hooks cannot tell the two directions apart; `direction` lets a signing hook sign only
 * what it sends and a verifying hook check only what it receives.
 */
export interface RPCHook {
  /**
   * `direction` and `channel` are always given by this library; they are optional so that
   * Java-shaped two-argument hooks still type-check. `channel` is the connection's context (its
   * attributes, and the PROXY header it came with, if any).
   */
  doBeforeRequest(remoteAddr: string, request: RemotingCommand, direction?: RequestDirection, channel?: ProcessorContext): void;
  doAfterResponse(remoteAddr: string, request: RemotingCommand, response: RemotingCommand | null, channel?: ProcessorContext): void;
}

/** The registered hooks, in order; registering the same hook twice is a no-op, as in Java. */
export class RpcHooks {
  private hooks: RPCHook[] = [];
  /** A field, not a getter: it is read on every request. */
  isEmpty = true;

  register(hook: RPCHook | null | undefined): void {
    if (hook != null && !this.hooks.includes(hook)) this.hooks = [...this.hooks, hook];
    this.isEmpty = this.hooks.length === 0;
  }

  clear(): void {
    this.hooks = [];
    this.isEmpty = true;
  }

  before(remoteAddr: string, request: RemotingCommand, direction: RequestDirection, channel: ProcessorContext): void {
    for (const hook of this.hooks) hook.doBeforeRequest(remoteAddr, request, direction, channel);
  }

  after(remoteAddr: string, request: RemotingCommand, response: RemotingCommand | null, channel: ProcessorContext): void {
    for (const hook of this.hooks) hook.doAfterResponse(remoteAddr, request, response, channel);
  }
}
