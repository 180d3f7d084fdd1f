/**
 * Time for deadlines and idle checks, in milliseconds from an arbitrary origin (monotonic).
 * Reading the clock costs ~35 ns, and a busy connection would read it for every request, so the
 * default clock reads it once per event-loop turn and serves the cached value until the turn ends.
 */
export type Clock = () => number;

/** Fields of one object rather than module-level `let`s: cheaper for JSC on a path this hot. */
const turn = { time: 0, valid: false };

function invalidate(): void {
  turn.valid = false;
}

export const coarseClock: Clock = () => {
  if (!turn.valid) {
    turn.time = performance.now();
    turn.valid = true;
    queueMicrotask(invalidate);
  }
  return turn.time;
};
