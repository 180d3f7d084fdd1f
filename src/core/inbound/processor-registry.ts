import { CodeTable } from "../util/code-table.ts";
import { EventLoopExecutor } from "./event-loop-executor.ts";
import type { RequestExecutor } from "./executor.ts";
import type { RequestProcessor } from "./processor.ts";

/** A registered processor and where it runs. */
export interface ProcessorEntry {
  readonly processor: RequestProcessor | string;
  readonly executor: RequestExecutor;
  /** rejectRequest of an object processor, bound; null when it has none. */
  readonly reject: (() => boolean) | null;
  /**
   * The executor when it is the library's own EventLoopExecutor (a request may then be served at
   * once, without going through execute()), else null: a subclass's execute() is always called.
   */
  readonly onThisThread: EventLoopExecutor | null;
}

/**
 * Processors by request code (Java's processorTable) and the default processor. Registration
 * checks that a processor fits its executor: functions and objects for executors on this thread,
 * names for worker groups, which are told about each name so they can check their module.
 */
export class ProcessorRegistry {
  private readonly byCode = new CodeTable<ProcessorEntry>();
  private defaultEntry: ProcessorEntry | null = null;
  private readonly executorSet: Set<RequestExecutor>;

  constructor(
    private readonly defaultExecutor: RequestExecutor,
    /** Consulted when this registry has neither a processor for a code nor a default one (a sub-server inheriting its server's). */
    private readonly parent: ProcessorRegistry | null = null,
    /**
     * A registry whose executor set this one adds to (a sub-server's, its server's), so that the
     * server's stats, start() and shutdown see every executor of every port.
     */
    shareExecutorsWith: ProcessorRegistry | null = null,
  ) {
    this.executorSet = shareExecutorsWith?.executorSet ?? new Set<RequestExecutor>();
    this.executorSet.add(defaultExecutor);
  }

  /** Every executor registered so far (with those of registries that share this one's), the default one included. */
  get executors(): ReadonlySet<RequestExecutor> {
    return this.executorSet;
  }

  register(code: number, processor: RequestProcessor | string, executor?: RequestExecutor): void {
    // A command's code is a Java int: a code beyond it could never arrive.
    if (!Number.isInteger(code) || code < -2147483648 || code > 2147483647) throw new TypeError(`registerProcessor: code must be an int32, got ${String(code)}`);
    this.byCode.set(code, this.entry("registerProcessor", processor, executor));
  }

  registerDefault(processor: RequestProcessor | string, executor?: RequestExecutor): void {
    this.defaultEntry = this.entry("registerDefaultProcessor", processor, executor);
  }

  /**
   * Resolves once every executor (of every registry sharing this one's) can run what is registered
   * now; each is asked about the processor names registered with it here, so a name registered
   * and since replaced is not asked about.
   */
  async whenReady(): Promise<void> {
    const names = new Map<RequestExecutor, string[]>();
    const note = (entry: ProcessorEntry): void => {
      if (typeof entry.processor !== "string") return;
      const list = names.get(entry.executor);
      if (list === undefined) names.set(entry.executor, [entry.processor]);
      else list.push(entry.processor);
    };
    for (const [, entry] of this.byCode.entries()) note(entry);
    if (this.defaultEntry !== null) note(this.defaultEntry);
    await Promise.all([...this.executorSet].map((executor) => executor.ready?.(names.get(executor) ?? [])));
  }

  /** The processor for `code`, else the default one, else the parent's answer; null when none exists. */
  lookup(code: number): ProcessorEntry | null {
    return this.byCode.get(code) ?? this.defaultEntry ?? this.parent?.lookup(code) ?? null;
  }

  private entry(method: string, processor: RequestProcessor | string, executor: RequestExecutor | undefined): ProcessorEntry {
    const exec = executor ?? this.defaultExecutor;
    if (typeof exec?.execute !== "function") throw new TypeError(`${method}: executor must have an execute(task) method`);
    let reject: (() => boolean) | null = null;
    if (exec.namedProcessors === true) {
      if (typeof processor !== "string") {
        throw new TypeError(`${method}: this executor runs processors by the name its module exports them under; pass that name (a string), not a ${typeof processor}`);
      }
      exec.requireProcessor?.(processor);
    } else if (typeof processor === "string") {
      throw new TypeError(`${method}: processor "${processor}" is given by name, which needs a WorkerExecutorGroup`);
    } else if (typeof processor === "object" && processor !== null && typeof processor.processRequest === "function") {
      if (typeof processor.rejectRequest === "function") reject = processor.rejectRequest.bind(processor);
    } else if (typeof processor !== "function") {
      throw new TypeError(`${method}: processor must be a function or an object with processRequest()`);
    }
    this.executorSet.add(exec);
    return { processor, executor: exec, reject, onThisThread: exec.constructor === EventLoopExecutor ? (exec as EventLoopExecutor) : null };
  }
}
