/** Progress lines on stderr, each stamped with the time since the suite started. */
export class Progress {
  private readonly startedAt = performance.now();

  get elapsedS(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  line(text: string): void {
    process.stderr.write(`[${this.elapsedS.toFixed(0).padStart(4)} s] ${text}\n`);
  }
}
