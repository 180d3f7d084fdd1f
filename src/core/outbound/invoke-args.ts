import type { RemotingCommand } from "../../protocol/remoting-command.ts";

/** Programming errors in invoke arguments throw at once, as TypeErrors that name the argument. */
export function checkInvokeArgs(method: string, request: RemotingCommand, timeoutMs: number): void {
  if (request === null || typeof request !== "object" || typeof request.code !== "number") {
    throw new TypeError(`${method}: request must be a RemotingCommand (see createRequest)`);
  }
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`${method}: timeoutMs must be a finite number >= 0, got ${timeoutMs}`);
  }
}

export function checkCallback(method: string, callback: unknown): void {
  if (typeof callback !== "function") throw new TypeError(`${method}: callback must be a function`);
}
