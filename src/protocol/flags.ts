import type { RemotingCommand } from "./remoting-command.ts";

/** Flag bit 0: set on responses. */
export const RPC_TYPE_RESPONSE = 0x1;
/** Flag bit 1: set on oneway requests, which are never answered. */
export const RPC_ONEWAY = 0x2;

export function isResponse(cmd: Pick<RemotingCommand, "flag">): boolean {
  return (cmd.flag & RPC_TYPE_RESPONSE) !== 0;
}

export function isOneway(cmd: Pick<RemotingCommand, "flag">): boolean {
  return (cmd.flag & RPC_ONEWAY) !== 0;
}

export function markResponse(cmd: Pick<RemotingCommand, "flag">): void {
  cmd.flag |= RPC_TYPE_RESPONSE;
}

export function markOneway(cmd: Pick<RemotingCommand, "flag">): void {
  cmd.flag |= RPC_ONEWAY;
}
