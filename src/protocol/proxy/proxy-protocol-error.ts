import { RemotingError } from "../../errors.ts";

/**
 * A PROXY protocol header that is malformed, or missing where proxyProtocol "required" asks for
 * one. `offset` is the byte of the connection's stream (0-based) where the problem was found; the
 * connection that sent it must be closed, as the spec asks.
 */
export class RemotingProxyProtocolError extends RemotingError {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super("ERR_REMOTING_PROXY_PROTOCOL", `PROXY protocol: ${message} (at byte ${offset})`);
    this.offset = offset;
  }
}

export function failProxy(message: string, offset: number): never {
  throw new RemotingProxyProtocolError(message, offset);
}

/** "0x0d": a byte as messages show it. */
export function hexByte(value: number): string {
  return `0x${value.toString(16).padStart(2, "0")}`;
}
