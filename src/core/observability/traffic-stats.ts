import { CodeTable } from "../util/code-table.ts";
import { LatencyHistogram, type LatencySummary } from "./latency-histogram.ts";

/**
 * Distinct request codes counted one by one; later ones are counted together under "other", so a
 * peer sending every possible code cannot grow the tables. Codes with a registered processor are
 * always counted one by one.
 */
const MAX_CODES = 256;
/** Distinct error keys per request code; later ones are counted under "other". */
const MAX_ERROR_KEYS = 32;
const OTHER = "other";

/** One request code's numbers in a stats snapshot. */
export interface CodeStats {
  /** Requests of this code received (served) or calls made (invoked), whatever their outcome. */
  requests: number;
  /** Requests that ended in an error (see TrafficStats.byCode). */
  errors: number;
  /** Errors by kind: a response code ("1", "17"...) or an error code ("ERR_REMOTING_TIMEOUT"...). */
  errorsByCode: Record<string, number>;
  /** Latency in ms, null until one was measured. */
  latencyMs: LatencySummary | null;
}

/** One direction's numbers in a stats snapshot. */
export interface TrafficStats {
  /** Requests over all codes. */
  requests: number;
  /** Errors over all codes (see CodeStats.errorsByCode for what counts as one). */
  errors: number;
  /** By request code ("other" collects the codes beyond the first 256 seen). */
  byCode: Record<string, CodeStats>;
}

/** One request code's counters; a request or call keeps its code's to record its outcome without another lookup. */
export class CodeCounters {
  requests = 0;
  errors = 0;
  errorsByKey: Map<string, number> | null = null;
  latency: LatencyHistogram | null = null;

  addError(key: string): void {
    this.errors++;
    const byKey = (this.errorsByKey ??= new Map());
    const k = byKey.has(key) || byKey.size < MAX_ERROR_KEYS ? key : OTHER;
    byKey.set(k, (byKey.get(k) ?? 0) + 1);
  }

  recordLatency(ms: number): void {
    (this.latency ??= new LatencyHistogram()).record(ms);
  }

  snapshot(): CodeStats {
    return {
      requests: this.requests,
      errors: this.errors,
      errorsByCode: this.errorsByKey === null ? {} : Object.fromEntries(this.errorsByKey),
      latencyMs: this.latency === null ? null : this.latency.summary(),
    };
  }
}

/**
 * Counters for one direction of traffic (requests served, or calls made), by request code. Plain
 * fields and an array index per request; a disabled one (option trafficStats: false) counts nothing.
 */
export class TrafficCounters {
  private readonly byCode = new CodeTable<CodeCounters>();
  private distinct = 0;
  private overflow: CodeCounters | null = null;

  constructor(private readonly enabled: boolean) {}

  /** The counters of `code`, created on first use. */
  of(code: number): CodeCounters {
    return this.byCode.get(code) ?? this.create(code, false);
  }

  /** Counts `code` one by one from now on, whatever the cap (a code with a processor). */
  track(code: number): void {
    if (this.enabled && this.byCode.get(code) === undefined) this.create(code, true);
  }

  /** Counts a request (or call) of `code`; returns the code's counters for its outcome, null when counting is off. */
  count(code: number): CodeCounters | null {
    if (!this.enabled) return null;
    const c = this.of(code);
    c.requests++;
    return c;
  }

  error(code: number, key: string): void {
    if (this.enabled) this.of(code).addError(key);
  }

  private create(code: number, always: boolean): CodeCounters {
    if (!always && this.distinct >= MAX_CODES) return (this.overflow ??= new CodeCounters());
    const c = new CodeCounters();
    this.distinct++;
    this.byCode.set(code, c);
    return c;
  }

  snapshot(): TrafficStats {
    const byCode: Record<string, CodeStats> = {};
    let requests = 0;
    let errors = 0;
    const add = (key: string, c: CodeCounters): void => {
      if (c.requests === 0 && c.errors === 0) return;
      byCode[key] = c.snapshot();
      requests += c.requests;
      errors += c.errors;
    };
    for (const [code, c] of this.byCode.entries()) add(String(code), c);
    if (this.overflow !== null) add(OTHER, this.overflow);
    return { requests, errors, byCode };
  }
}
