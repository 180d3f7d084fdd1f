import { proxyProtocolAttributes } from "../../protocol/proxy/proxy-attributes.ts";
import type { ProxyHeader } from "../../protocol/proxy/proxy-header.ts";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { ProcessorContext, RemotingChannel } from "../inbound/processor.ts";
import type { Signal } from "../signal.ts";

/** What a context needs from its connection. */
export interface ContextTarget {
  readonly isActive: boolean;
  close(): void;
  writeResponse(request: RemotingCommand, response: RemotingCommand): void;
}

let nextChannelId = 1;

/** The connection's own access to its context (set in the class's static block): not on the object processors see. */
let abortOf: (ctx: ConnectionContext, reason: unknown) => void;
let setProxyHeaderOf: (ctx: ConnectionContext, header: ProxyHeader, remoteAddress: string) => void;

/** Aborts `ctx.signal` (now, or when first read) with `reason`; only the first call counts. */
export function abortContext(ctx: ConnectionContext, reason: unknown): void {
  abortOf(ctx, reason);
}

/** The connection came through a proxy that sent `header`: the client's address, Java's attributes. */
export function setContextProxyHeader(ctx: ConnectionContext, header: ProxyHeader, remoteAddress: string): void {
  setProxyHeaderOf(ctx, header, remoteAddress);
}

/**
 * A connection as processors and listeners see it: both the processor context and the channel to
 * call the peer back on. One per connection; it shows nothing of the connection's machinery.
 */
export class ConnectionContext implements ProcessorContext, RemotingChannel {
  readonly id = nextChannelId++;
  readonly #target: ContextTarget;
  #controller: AbortController | null = null;
  /** Set once the connection closed or the endpoint began shutting down. */
  #abortReason: unknown = undefined;
  #aborted = false;
  #attributes: Map<string, unknown> | null = null;

  #remoteAddress: string;
  #proxyHeader: ProxyHeader | null = null;

  constructor(
    target: ContextTarget,
    remoteAddress: string,
    readonly localAddress: string,
  ) {
    this.#target = target;
    this.#remoteAddress = remoteAddress;
  }

  get remoteAddress(): string {
    return this.#remoteAddress;
  }

  get proxyHeader(): ProxyHeader | null {
    return this.#proxyHeader;
  }

  static {
    abortOf = (ctx, reason) => ctx.#abort(reason);
    setProxyHeaderOf = (ctx, header, remoteAddress) => ctx.#setProxyHeader(header, remoteAddress);
  }

  #setProxyHeader(header: ProxyHeader, remoteAddress: string): void {
    this.#proxyHeader = header;
    this.#remoteAddress = remoteAddress;
    for (const [name, value] of Object.entries(proxyProtocolAttributes(header))) this.attributes.set(name, value);
  }

  get channel(): RemotingChannel {
    return this;
  }

  get isActive(): boolean {
    return this.#target.isActive;
  }

  /** Made on first use: most processors never look at it. */
  get signal(): Signal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal as Signal;
  }

  get attributes(): Map<string, unknown> {
    return (this.#attributes ??= new Map());
  }

  writeResponse(request: RemotingCommand, response: RemotingCommand): void {
    this.#target.writeResponse(request, response);
  }

  close(): void {
    this.#target.close();
  }

  #abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  toString(): string {
    return `channel#${this.id}(${this.#remoteAddress})`;
  }
}
