/** Flag bit 0: set on responses. */
export const RPC_TYPE_RESPONSE = 0x1;
/** Flag bit 1: set on oneway requests, which are never answered. */
export const RPC_ONEWAY = 0x2;

/** Anything with a command's flag word (declared here: the command module imports these bits). */
interface Flagged {
  flag: number;
}

export function isResponse(cmd: Flagged): boolean {
  return (cmd.flag & RPC_TYPE_RESPONSE) !== 0;
}

export function isOneway(cmd: Flagged): boolean {
  return (cmd.flag & RPC_ONEWAY) !== 0;
}

export function markResponse(cmd: Flagged): void {
  cmd.flag |= RPC_TYPE_RESPONSE;
}

export function markOneway(cmd: Flagged): void {
  cmd.flag |= RPC_ONEWAY;
}
