/**
 * Time for deadlines and idle checks, in milliseconds from an arbitrary origin (monotonic).
 * Reading the clock costs ~35 ns, and a busy connection would read it for every request, so the
 * default clock reads it once per event-loop turn and serves the cached value until the turn ends.
 */
export type Clock = () => number;

let cached = 0;
let valid = false;

function invalidate(): void {
  valid = false;
}

export const coarseClock: Clock = () => {
  if (!valid) {
    cached = performance.now();
    valid = true;
    queueMicrotask(invalidate);
  }
  return cached;
};
