/**
 * A client's housekeeping that repeats (route refresh, heartbeats, offset commits): one timer per
 * task, unref'd so that it never keeps a process alive, and a run is skipped while the previous one
 * has not finished. A failing run is reported to `onError` and the task goes on.
 */
export class PeriodicTask {
  readonly #periodMs: number;
  readonly #run: () => Promise<unknown>;
  readonly #onError: (error: unknown) => void;
  #timer: ReturnType<typeof setInterval> | null = null;
  #running: Promise<void> | null = null;

  constructor(periodMs: number, run: () => Promise<unknown>, onError: (error: unknown) => void) {
    this.#periodMs = periodMs;
    this.#run = run;
    this.#onError = onError;
  }

  /** Starts the timer (idempotent); the first run comes one period from now. */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.runNow(), this.#periodMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Runs the task now, unless a run is in progress (then that run's promise); never rejects. */
  runNow(): Promise<void> {
    this.#running ??= this.#run()
      .then(
        () => undefined,
        (error: unknown) => this.#onError(error),
      )
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
