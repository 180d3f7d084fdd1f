import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { RequestProcessor } from "./processor.ts";

/**
 * One inbound request as an executor sees it. The request's life (hooks, its answer, and releasing
 * everything it holds) belongs to the task itself: an executor only decides where and when the
 * processor runs, and must settle each task it accepted exactly once, by one of:
 * - run(): run a function processor on this thread (the task calls `settled` when it is done);
 * - begin() then complete(result) or fail(error): run the processor elsewhere (a worker thread).
 * A task whose connection closed, or whose endpoint began shutting down, while it waited is settled
 * by begin()/run() without running: executors need not check anything themselves.
 */
export interface ExecutorTask {
  /** The processor registered for the request: a function or object, or a worker processor's name. */
  readonly processor: RequestProcessor | string;
  /** The request to process; its body is a view of the received bytes. */
  readonly request: RemotingCommand;
  /** "host:port" of the peer that sent the request. */
  readonly remoteAddress: string;
  /** True once the request was answered, refused or dropped. */
  readonly done: boolean;
  /** Runs the processor here, then answers; calls `settled` exactly once, when the request is done (now or later). */
  run(settled: () => void): void;
  /** Before-hooks; false when the task is done already (refused by a hook, or no longer wanted) and must not run. */
  begin(): boolean;
  /** The processor's outcome, from elsewhere: a response, null/undefined (no response), anything else (an error answer). */
  complete(result: unknown): void;
  /** The processor failed: answered SYSTEM_ERROR (or the code of a RemotingAbortProcessError). */
  fail(error: unknown): void;
}

/**
 * Where processors run (Java: the ExecutorService registered with a processor). An executor takes a
 * task or refuses it when full, in which case the request is answered SYSTEM_BUSY "[OVERLOAD]".
 */
export interface RequestExecutor {
  /** Takes the task and settles it exactly once (see ExecutorTask); false when full. */
  execute(task: ExecutorTask): boolean;
  /** True when processors are given by name (a worker group); plain executors take functions. */
  readonly namedProcessors?: boolean;
  /**
   * A processor name is being registered with this executor: one that resolves names may throw a
   * TypeError when it knows the name is missing (otherwise ready() finds out).
   */
  requireProcessor?(name: string): void;
  /**
   * Resolves once the executor can run the processors registered with it (an endpoint's start()
   * waits for it, passing the processor names registered with this executor on that endpoint);
   * rejects when it cannot, naming what is missing.
   */
  ready?(processorNames: readonly string[]): Promise<void>;
  /** Resolves when every accepted task has settled. */
  idle(): Promise<void>;
  /**
   * Its load now; the endpoint's `stats.inFlight` and `stats.queued` add it up over the endpoint's
   * executors. Optional: an executor without it is left out of those sums.
   */
  readonly stats?: ExecutorStats;
}

/** An executor's load at one moment. */
export interface ExecutorStats {
  /** Tasks whose processor is running (an async one until it settles). */
  inFlight: number;
  /** Tasks accepted and waiting for a slot. */
  queued: number;
}
