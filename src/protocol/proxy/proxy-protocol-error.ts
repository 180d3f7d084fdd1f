import { RemotingProxyProtocolError } from "../../errors.ts";

export { RemotingProxyProtocolError };

export function failProxy(message: string, offset: number): never {
  throw new RemotingProxyProtocolError(message, offset);
}

/** "0x0d": a byte as messages show it. */
export function hexByte(value: number): string {
  return `0x${value.toString(16).padStart(2, "0")}`;
}
