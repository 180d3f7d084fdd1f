/** Promises of "everything accepted has settled", for an executor's idle(). */
export class IdleWaiters {
  private waiters: (() => void)[] = [];

  get any(): boolean {
    return this.waiters.length > 0;
  }

  /** Resolves at the next wake(). */
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves every pending wait(). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
