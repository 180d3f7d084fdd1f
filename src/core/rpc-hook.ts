import type { RemotingCommand } from "../protocol/remoting-command.ts";

/**
 * Runs around every request. Server side: before the processor and after it (with its response,
 * possibly null). Client side: before sending, and after a response arrived (not for oneway calls,
 * nor for calls that failed). A hook may add extFields before the request is encoded (ACL
 * signatures), or throw RemotingAbortProcessError to refuse a request with a chosen code.
 */
export interface RPCHook {
  doBeforeRequest(remoteAddr: string, request: RemotingCommand): void;
  doAfterResponse(remoteAddr: string, request: RemotingCommand, response: RemotingCommand | null): void;
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

  before(remoteAddr: string, request: RemotingCommand): void {
    for (const hook of this.hooks) hook.doBeforeRequest(remoteAddr, request);
  }

  after(remoteAddr: string, request: RemotingCommand, response: RemotingCommand | null): void {
    for (const hook of this.hooks) hook.doAfterResponse(remoteAddr, request, response);
  }
}
