import { atTurnEnd } from "./turn-end.ts";

/** A timer armed through a Timers port (whatever the port's setTimeout returned). */
export type TimerHandle = unknown;

/**
 * The time source of an endpoint (option `timers`) and the one timer it arms, its scan: deadlines,
 * idle checks, frame timeouts and stats read `now()`. Shutdown's waits run on real time whatever
 * this says, so that shutdown ends. Tests pass a manual implementation and move time forward
 * instead of sleeping.
 */
export interface Timers {
  /** Milliseconds from an arbitrary origin: monotonic, and read now (never a cached value). */
  now(): number;
  /** Runs `callback` once after `ms`; the timer must not keep the process alive. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer of setTimeout that has not fired yet (a fired or cleared one: no effect). */
  clearTimeout(handle: TimerHandle): void;
}

/** Fields of one object rather than module-level `let`s: cheaper for JSC on a path this hot. */
const turn = { time: 0, valid: false };

function invalidate(): void {
  turn.valid = false;
}

/** Reads the clock and keeps the value for the rest of this event-loop turn (see coarseNow). */
function freshNow(): number {
  const time = performance.now();
  turn.time = time;
  if (!turn.valid) {
    turn.valid = true;
    atTurnEnd(invalidate);
  }
  return time;
}

/**
 * The clock read at most once per event-loop turn: for the hot path's bookkeeping (activity
 * stamps, latency stats), where reading the clock per request would cost more than it tells.
 * Never used for a deadline's start: a turn that ran for a while would make the deadline early
 * (see OutboundCalls.start).
 * A fresh read (`systemTimers.now()`) refreshes it.
 */
export function coarseNow(): number {
  return turn.valid ? turn.time : freshNow();
}

/** The process's real clock and timers (timers unref'd). */
export const systemTimers: Timers = {
  now: freshNow,
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
