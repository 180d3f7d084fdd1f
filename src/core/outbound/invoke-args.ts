import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import { isCommand, isLibraryCommand } from "../inbound/processor-result.ts";
import type { AbortSignalLike, Signal } from "../signal.ts";

/** The options form of an invoke's third argument. */
export interface InvokeOptions {
  /** The call's budget in ms, from the end of the synchronous code that made the call (connecting included); default: the endpoint's invokeTimeoutMs. */
  timeoutMs?: number;
  /** Aborting it fails the call at once with ERR_REMOTING_ABORTED (the signal's reason as cause); a late answer is dropped. */
  signal?: Signal;
}

/** An invoke's budget and signal, as read from either form of the argument. */
export interface InvokeArgs {
  timeoutMs: number;
  signal: AbortSignalLike | null;
}

/** Reused for every call: the caller reads it at once (no object per call for the positional form). */
const scratch: InvokeArgs = { timeoutMs: 0, signal: null };

function isSignal(value: unknown): value is AbortSignalLike {
  return typeof value === "object" && value !== null && typeof (value as AbortSignalLike).aborted === "boolean" && typeof (value as AbortSignalLike).addEventListener === "function";
}

/**
 * Checks an invoke's arguments (programming errors throw TypeErrors naming the argument) and reads
 * `timeoutMs | { timeoutMs?, signal? }`. The result is only valid until the next call.
 */
export function invokeArgs(method: string, request: RemotingCommand, timeoutOrOptions: number | InvokeOptions | undefined, defaultTimeoutMs: number): InvokeArgs {
  // The common form (a library command, a plain timeout) in a function small enough to be inlined.
  if (typeof timeoutOrOptions === "number" && timeoutOrOptions >= 0 && timeoutOrOptions < Infinity && isLibraryCommand(request)) {
    scratch.timeoutMs = timeoutOrOptions;
    scratch.signal = null;
    return scratch;
  }
  return readInvokeArgs(method, request, timeoutOrOptions, defaultTimeoutMs);
}

function readInvokeArgs(method: string, request: RemotingCommand, timeoutOrOptions: number | InvokeOptions | undefined, defaultTimeoutMs: number): InvokeArgs {
  if (!isCommand(request)) throw new TypeError(`${method}: request must be a RemotingCommand (see createRequest)`);
  let timeoutMs: unknown = timeoutOrOptions;
  let signal: unknown = null;
  if (timeoutOrOptions === undefined) {
    timeoutMs = defaultTimeoutMs;
  } else if (typeof timeoutOrOptions === "object" && timeoutOrOptions !== null) {
    for (const key in timeoutOrOptions) {
      if (key !== "timeoutMs" && key !== "signal") throw new TypeError(`${method}: unknown option ${JSON.stringify(key)} (the options are timeoutMs and signal)`);
    }
    timeoutMs = timeoutOrOptions.timeoutMs ?? defaultTimeoutMs;
    signal = timeoutOrOptions.signal ?? null;
    if (signal !== null && !isSignal(signal)) throw new TypeError(`${method}: options.signal must be an AbortSignal`);
  }
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`${method}: timeoutMs must be a finite number >= 0 (or an options object { timeoutMs?, signal? }), got ${String(timeoutMs)}`);
  }
  scratch.timeoutMs = timeoutMs;
  scratch.signal = signal as AbortSignalLike | null;
  return scratch;
}

export function checkCallback(method: string, callback: unknown): void {
  if (typeof callback !== "function") throw new TypeError(`${method}: callback must be a function`);
}
