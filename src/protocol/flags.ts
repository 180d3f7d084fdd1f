/** Flag bit 0: set on responses. */
export const RPC_TYPE_RESPONSE = 0x1;
/** Flag bit 1: set on oneway requests, which are never answered. */
export const RPC_ONEWAY = 0x2;

/*
 * The helpers take anything with a command's flag word, `{ flag: number }` (not RemotingCommand:
 * the command module imports these bits).
 */

/** Whether `cmd` is a response (flag bit 0). */
export function isResponse(cmd: { flag: number }): boolean {
  return (cmd.flag & RPC_TYPE_RESPONSE) !== 0;
}

/** Whether `cmd` is a oneway request, which is never answered (flag bit 1). */
export function isOneway(cmd: { flag: number }): boolean {
  return (cmd.flag & RPC_ONEWAY) !== 0;
}

/** Sets flag bit 0 on `cmd`, making it a response. Endpoints do it themselves for the answers they write. */
export function markResponse(cmd: { flag: number }): void {
  cmd.flag |= RPC_TYPE_RESPONSE;
}

/** Sets flag bit 1 on `cmd`, making it a oneway request. invokeOneway does it itself, per call. */
export function markOneway(cmd: { flag: number }): void {
  cmd.flag |= RPC_ONEWAY;
}
