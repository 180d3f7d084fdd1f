import { RemotingSendRequestError, type RemotingError } from "../../errors.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import { parseSocketAddress } from "../address.ts";
import { checkOptionsObject, resolveClientOptions, type ClientOptions } from "../options.ts";
import { CallKind, type InvokeCallback } from "../outbound/call.ts";
import { checkCallback, invokeArgs, type InvokeOptions } from "../outbound/invoke-args.ts";
import type { Transport } from "../transport.ts";
import { ClientChannels } from "./client-channels.ts";
import { EndpointCore, type EndpointRole } from "./endpoint-core.ts";
import { callForResponse, callOneway } from "./invoke-forms.ts";
import { RemotingEndpoint } from "./remoting-endpoint.ts";
import type { AbortSignalLike } from "../signal.ts";

export interface RemotingClientOptions extends Partial<ClientOptions> {
  /** The sockets to use; each runtime's entry point supplies its own. */
  transport: Transport;
}

/**
 * Calls servers by address, one connection per address (Java's NettyRemotingClient). `null` as
 * the address means "a name server": one of updateNameServerAddressList's, with failover.
 * The client also serves the requests servers send it, with its own processors.
 */
export class RemotingClient extends RemotingEndpoint {
  readonly #core: EndpointCore;
  readonly #options: ClientOptions;
  readonly #channels: ClientChannels;
  #started = false;
  #shutdownPromise: Promise<void> | null = null;

  constructor(options: RemotingClientOptions) {
    const { transport, ...rest } = checkOptionsObject("RemotingClient", options) ?? ({} as RemotingClientOptions);
    if (typeof transport?.connect !== "function") throw new TypeError('RemotingClient: option "transport" must be a Transport');
    const resolved = resolveClientOptions(rest);
    let channels: ClientChannels | null = null;
    const role: EndpointRole = {
      name: "client",
      holdInputWhenUnwritable: false,
      onClosed: (conn) => channels!.onClosed(conn),
      onGoAway: (call, response) => channels!.onGoAway(call, response),
      onTimeout: (call) => channels!.onTimeout(call),
    };
    const core = new EndpointCore(role, resolved);
    channels = new ClientChannels(core, transport, resolved);
    super(core);
    this.#core = core;
    this.#options = resolved;
    this.#channels = channels;
  }

  /**
   * Starts the timers, and resolves once the executors registered so far are ready (worker groups
   * load their module); rejects as the server's start() does when one cannot run what was
   * registered on it (a RemotingWorkerError naming a missing processor). Calls work before start() too.
   */
  async start(): Promise<void> {
    this.#ensureStarted();
    await this.#core.registry.whenReady();
  }

  #ensureStarted(): void {
    if (this.#started || this.#core.stopping) return;
    this.#started = true;
    this.#core.startTimers();
  }

  /**
   * Sets the name servers that `null` addresses go to ("host:port" or "unix:/path"; a TypeError
   * names a bad one). Ignored when empty or the same set; otherwise the new list is shuffled and the
   * connections to name servers no longer listed are closed.
   */
  updateNameServerAddressList(addrs: readonly string[]): void {
    if (!Array.isArray(addrs)) throw new TypeError('updateNameServerAddressList: expected an array of "host:port" (or "unix:/path") strings');
    for (const addr of addrs) parseSocketAddress(addr);
    this.#channels.updateNameServers(addrs);
  }

  /** The name servers (a copy), in their shuffled order; calls try them round robin from a random start. */
  getNameServerAddressList(): string[] {
    return this.#channels.nameServers.list();
  }

  /**
   * Calls `addr` ("host:port", "unix:/path", or null for a name server) and resolves with the response, whatever
   * its code; rejects with a RemotingError (timeout, connect, send, abort...). The budget
   * (`timeoutMs`, or `{ timeoutMs?, signal? }`) runs from this call, connecting included.
   */
  invokeSync(addr: string | null, request: RemotingCommand, timeoutOrOptions?: number | InvokeOptions): Promise<RemotingCommand> {
    const { timeoutMs, signal } = invokeArgs("invokeSync", request, timeoutOrOptions, this.#options.invokeTimeoutMs);
    this.#channels.checkAddress("invokeSync", addr);
    return callForResponse((callback) => this.#invoke(addr, request, timeoutMs, signal, CallKind.Sync, callback));
  }

  /** Like invokeSync, with a callback called exactly once with the error or the response. */
  invokeAsync(addr: string | null, request: RemotingCommand, timeoutOrOptions: number | InvokeOptions | undefined, callback: InvokeCallback): void {
    const { timeoutMs, signal } = invokeArgs("invokeAsync", request, timeoutOrOptions, this.#options.invokeTimeoutMs);
    this.#channels.checkAddress("invokeAsync", addr);
    checkCallback("invokeAsync", callback);
    this.#invoke(addr, request, timeoutMs, signal, CallKind.Async, callback);
  }

  /**
   * Sends a request that is never answered; resolves once it is queued on the connection (encoded
   * into its write queue; after connecting, and while the connection is unwritable once it drained),
   * holding one of the onewaySemaphoreValue permits until then.
   */
  invokeOneway(addr: string | null, request: RemotingCommand, timeoutOrOptions?: number | InvokeOptions): Promise<void> {
    const { timeoutMs, signal } = invokeArgs("invokeOneway", request, timeoutOrOptions, this.#options.invokeTimeoutMs);
    this.#channels.checkAddress("invokeOneway", addr);
    return callOneway((callback) => this.#invoke(addr, request, timeoutMs, signal, CallKind.Oneway, callback));
  }

  #invoke(addr: string | null, request: RemotingCommand, timeoutMs: number, signal: AbortSignalLike | null, kind: CallKind, callback: InvokeCallback): void {
    const core = this.#core;
    core.calls.enterInvoke();
    try {
      if (core.stopping) {
        core.calls.refuse(kind, callback, this.#stoppedError(addr ?? "name server"));
        return;
      }
      this.#ensureStarted();
      const call = core.calls.start(request, timeoutMs, signal, addr ?? "name server", kind, callback);
      if (call !== null) this.#channels.route(addr, call);
    } finally {
      core.calls.leaveInvoke();
    }
  }

  #stoppedError(addr: string): RemotingError {
    return new RemotingSendRequestError(addr, { message: `send request to ${addr} failed: the client is shut down` });
  }

  /** Closes the connection to `addr` (its pending calls fail at once); the next call reconnects. */
  closeChannel(addr: string): void {
    this.#channels.closeChannel(addr);
  }

  /**
   * False while the connection to `addr` is unwritable: its unsent bytes went above
   * writeBufferHighWaterMark and have not fallen to writeBufferLowWaterMark yet (calls on it wait).
   * True when there is no open connection to `addr`.
   */
  isChannelWritable(addr: string): boolean {
    return this.#channels.isWritable(addr);
  }

  /**
   * Refuses new calls, waits for pending ones (up to shutdownTimeoutMs), then fails what is left
   * and closes every connection. Idempotent; always resolves, and nothing of the client runs afterwards.
   */
  shutdown(): Promise<void> {
    this.#shutdownPromise ??= this.#shutdown();
    return this.#shutdownPromise;
  }

  async #shutdown(): Promise<void> {
    const core = this.#core;
    core.beginShutdown(false);
    try {
      if (this.#started) await core.drain(this.#options.shutdownTimeoutMs);
    } finally {
      this.#channels.close((addr) => this.#stoppedError(addr));
      await core.finishShutdown("the client shut down");
    }
  }
}
