/**
 * Flow-control permits (Java's semaphoreAsync / semaphoreOneway). The event loop must never block,
 * so acquiring does not wait: no permit means the caller gets RemotingTooMuchRequestError at once.
 */
export class Permits {
  private available: number;

  constructor(readonly total: number) {
    this.available = total;
  }

  tryAcquire(): boolean {
    if (this.available === 0) return false;
    this.available--;
    return true;
  }

  release(): void {
    this.available++;
  }

  get inUse(): number {
    return this.total - this.available;
  }
}
