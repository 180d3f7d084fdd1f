import type { RemotingCommand } from "../protocol/remoting-command.ts";
import type { ProcessorContext } from "./inbound/processor.ts";

/**
 * Which way a request goes: "inbound" requests arrived from the peer and are about to be processed
 * here; "outbound" requests are about to be sent to the peer (servers call clients too).
 */
export type RequestDirection = "inbound" | "outbound";

/**
 * Runs around every request, both ways: around the processor of a request a peer sent, and around
 * a call this endpoint makes (before sending, and after its response). A hook may add extFields before the request is encoded (ACL
 * signatures), or throw RemotingAbortProcessError to refuse a request with a chosen code.
 * Java's hooks cannot tell the two directions apart; `direction` lets a signing hook sign only
 * what it sends and a verifying hook check only what it receives.
 */
export interface RPCHook {
  /**
   * Inbound: when the request's executor starts it, before the processor; a throw answers the
   * request (a RemotingAbortProcessError with its code, anything else SYSTEM_ERROR) and the
   * processor never runs. Outbound: right before the request is encoded, so changes to it are
   * sent; a throw fails the call (ERR_REMOTING_SEND_REQUEST) and nothing is sent.
   * `direction` and `channel` are always given by this library; they are optional so that
   * Java-shaped two-argument hooks still type-check. `channel` is the connection's context (its
   * attributes, and the PROXY header it came with, if any).
   */
  doBeforeRequest(remoteAddr: string, request: RemotingCommand, direction?: RequestDirection, channel?: ProcessorContext): void;
  /**
   * Inbound: after the processor returned, with its response (null when it gave none), or after a
   * doBeforeRequest refused the request, with that refusal; not when the processor threw. A throw
   * from here answers SYSTEM_ERROR instead. Outbound: after a response arrived, before the caller
   * gets it (a throw is logged and ignored); not for oneway or failed calls.
   */
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
