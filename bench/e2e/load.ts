import type { BenchConnection, Done } from "./drivers/driver.ts";
import type { JobCase } from "./job.ts";
import type { LatencySamples } from "./latency-samples.ts";

/**
 * A steady load on the connections of one case: `inFlight` calls kept outstanding (a finished call
 * is replaced at once, on the same connection), or for oneway cases, batches of oneway calls each
 * closed by one answered call. Runs until stop(); `next(n)` resolves once n more requests completed.
 */
export class Load {
  completed = 0;
  errors = 0;
  /** Where latencies go while measuring (null: not recorded). */
  samples: LatencySamples | null = null;
  private outstanding = 0;
  private issued = 0;
  private stopping = false;
  private target = Infinity;
  private reached: (() => void) | null = null;
  private drained: (() => void) | null = null;
  /**
   * One call in this many has its latency recorded: reading the clock twice per call would cost a
   * measurable share of a pipelined call (well under a microsecond of CPU each).
   */
  private readonly sampleEvery: number;
  private readonly onewayDone: Done = (error) => {
    if (error !== null) this.errors++;
  };
  /**
   * One completion function per connection for the calls whose latency is not sampled: a closure
   * per call would be garbage of the load generator's own, alive while the call is in flight (so
   * promoted by every collection), charged to the library under test.
   */
  private readonly doneOf = new Map<BenchConnection, Done>();

  constructor(
    private readonly connections: BenchConnection[],
    private readonly c: JobCase,
  ) {
    this.sampleEvery = c.kind === "async" && c.inFlight >= 64 ? 16 : 1;
  }

  start(): void {
    const conns = this.connections;
    if (this.c.kind === "oneway") for (const conn of conns) this.batch(conn);
    else for (let i = 0; i < this.c.inFlight; i++) this.call(conns[i % conns.length]!);
  }

  /** Resolves once `n` more requests have completed. */
  next(n: number): Promise<void> {
    return new Promise((resolve) => {
      this.target = this.completed + n;
      this.reached = resolve;
    });
  }

  /** Stops issuing calls; resolves once every outstanding one has settled. */
  stop(): Promise<void> {
    this.stopping = true;
    return this.outstanding === 0 ? Promise.resolve() : new Promise((resolve) => (this.drained = resolve));
  }

  private call(conn: BenchConnection): void {
    this.outstanding++;
    if (this.samples === null || this.issued++ % this.sampleEvery !== 0) {
      conn.call(this.doneOf.get(conn) ?? this.unsampledDone(conn));
      return;
    }
    const sent = performance.now();
    conn.call((error) => {
      if (error !== null) this.errors++;
      else this.samples?.add((performance.now() - sent) * 1000);
      this.settled(1, conn);
    });
  }

  private unsampledDone(conn: BenchConnection): Done {
    const done: Done = (error) => {
      if (error !== null) this.errors++;
      this.settled(1, conn);
    };
    this.doneOf.set(conn, done);
    return done;
  }

  private batch(conn: BenchConnection): void {
    this.outstanding++;
    for (let i = 0; i < this.c.inFlight; i++) conn.oneway(this.onewayDone);
    conn.call((error) => {
      if (error !== null) this.errors++;
      this.settled(this.c.inFlight, conn);
    });
  }

  private settled(requests: number, conn: BenchConnection): void {
    this.outstanding--;
    this.completed += requests;
    if (this.completed >= this.target) {
      const reached = this.reached!;
      this.reached = null;
      this.target = Infinity;
      reached();
    }
    if (!this.stopping) {
      if (this.c.kind === "oneway") this.batch(conn);
      else this.call(conn);
    } else if (this.outstanding === 0) this.drained?.();
  }
}
