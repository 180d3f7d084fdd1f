import { checkChannelEventListener, type ChannelEventListener } from "../observability/channel-events.ts";
import type { RemotingStats } from "../observability/remoting-stats.ts";
import type { RequestExecutor } from "../inbound/executor.ts";
import type { RequestProcessor } from "../inbound/processor.ts";
import type { RPCHook } from "../rpc-hook.ts";
import type { EndpointCore } from "./endpoint-core.ts";

/**
 * What servers and clients share: processors for the requests peers send, RPC hooks, channel
 * events, stats, and shutdown.
 */
export abstract class RemotingEndpoint {
  readonly #core: EndpointCore;

  /** @internal */
  protected constructor(core: EndpointCore) {
    this.#core = core;
  }

  /**
   * Serves requests with `code` by `processor` (a function or an object with processRequest), run by
   * `executor` (default: on the event loop). With a WorkerExecutorGroup, `processor` is the name its
   * module exports the processor under. Throws a TypeError for a processor that does not fit its executor.
   */
  registerProcessor(code: number, processor: RequestProcessor | string, executor?: RequestExecutor): void {
    this.#core.registry.register(code, processor, executor);
    this.#core.traffic.served.track(code); // stats: a served code is always counted one by one
  }

  /** Serves every request code that has no processor of its own (without one: REQUEST_CODE_NOT_SUPPORTED). */
  registerDefaultProcessor(processor: RequestProcessor | string, executor?: RequestExecutor): void {
    this.#core.registry.registerDefault(processor, executor);
  }

  /** Adds a hook that runs around every request, both ways (registering the same hook twice is a no-op). */
  registerRPCHook(hook: RPCHook): void {
    if (hook != null && (typeof hook.doBeforeRequest !== "function" || typeof hook.doAfterResponse !== "function")) {
      throw new TypeError("registerRPCHook: a hook needs doBeforeRequest and doAfterResponse methods");
    }
    this.#core.hooks.register(hook);
  }

  /** Removes every RPC hook. */
  clearRPCHook(): void {
    this.#core.hooks.clear();
  }

  /** Receives connection events (connect, active, close, idle, exception) off the I/O path; null removes it. */
  setChannelEventListener(listener: ChannelEventListener | null): void {
    checkChannelEventListener(listener);
    this.#core.events.setListener(listener);
  }

  /** A snapshot of this endpoint's connections, queues and traffic (plain data). */
  get stats(): RemotingStats {
    return this.#core.stats();
  }

  /** Graceful and idempotent; always resolves. */
  abstract shutdown(): Promise<void>;

  /** `await using`: shuts down when the scope ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
