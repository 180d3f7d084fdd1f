import type { WorkerProcessorContext, WorkerProcessorFunction } from "./worker-processor.ts";

/** What a worker processor is told about its request. */
export class RequestContext implements WorkerProcessorContext {
  constructor(
    readonly remoteAddress: string,
    readonly processorName: string,
    readonly workerIndex: number,
  ) {}
}

/** A processor, and how long its synchronous runs usually take (for the wake-up batching). */
export interface ProcessorEntry {
  run: WorkerProcessorFunction;
  /** Moving average of its synchronous run time (ms); Infinity until it has run once. */
  averageMs: number;
}

/** A worker group module's processors by export name, looked up once each. */
export class ProcessorTable {
  private readonly resolved = new Map<string, ProcessorEntry>();

  constructor(
    private readonly exports: Record<string, unknown>,
    /** Names the module in errors. */
    private readonly moduleHref: string,
  ) {}

  /** The processor exported as `name`; throws a TypeError naming what the module exports if none. */
  get(name: string): ProcessorEntry {
    let entry = this.resolved.get(name);
    if (entry === undefined) {
      entry = { run: this.resolve(name), averageMs: Infinity };
      this.resolved.set(name, entry);
    }
    return entry;
  }

  /** The names the module exports processors under (functions, or objects with processRequest). */
  names(): string[] {
    return Object.keys(this.exports).filter((name) => isProcessor(this.exports[name]));
  }

  /** Records how long a synchronous run took. */
  static ran(entry: ProcessorEntry, tookMs: number): void {
    entry.averageMs = entry.averageMs === Infinity ? tookMs : entry.averageMs + (tookMs - entry.averageMs) / 8;
  }

  private resolve(name: string): WorkerProcessorFunction {
    const value = this.exports[name];
    if (typeof value === "function") return value as WorkerProcessorFunction;
    if (isProcessor(value)) {
      const object = value as { processRequest: WorkerProcessorFunction };
      return (ctx, request) => object.processRequest(ctx, request);
    }
    const names = Object.keys(this.exports).join(", ") || "nothing";
    throw new TypeError(`module ${this.moduleHref} exports no processor named "${name}" (it exports ${names})`);
  }
}

function isProcessor(value: unknown): boolean {
  return typeof value === "function" || (typeof value === "object" && value !== null && typeof (value as { processRequest?: unknown }).processRequest === "function");
}
