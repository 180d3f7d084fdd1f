import type { RemotingStats } from "../core/observability/remoting-stats.ts";
import type { MailboxInit } from "./mailbox.ts";

/** What an executor worker is started with (workerData). */
export interface ExecutorWorkerInit {
  mailbox: MailboxInit;
  /** href of the processors' module. */
  module: string;
  workerIndex: number;
  /** Scheduling niceness of the thread (Linux; 0: unchanged). */
  niceness: number;
}

/** A thread that could not start says why (the module did not load, the setup threw), then exits. */
export interface FailedMessage {
  type: "failed";
  message: string;
  stack: string | null;
}

export function failedMessage(error: unknown): FailedMessage {
  const e = error instanceof Error ? error : new Error(String(error));
  return { type: "failed", message: e.message, stack: e.stack ?? null };
}

/** The thread's error again, on the receiving side, with the thread's stack. */
export function failedError(message: FailedMessage): Error {
  const error = new Error(message.message);
  if (message.stack !== null) error.stack = message.stack;
  return error;
}

/** The mailbox's wake-up for a side that said it is asleep (see mailbox.ts). */
export const WAKE = { type: "wake" } as const;

/**
 * Messages besides the mailbox's records: wake-ups, lifecycle, and records larger than a slot
 * (their ArrayBuffer is transferred, not copied).
 */
export type ToExecutorWorker = typeof WAKE | { type: "request"; slot: number; record: ArrayBuffer };

export type FromExecutorWorker =
  | typeof WAKE
  /** The module loaded; `processors`: the names it exports processors under. */
  | { type: "ready"; processors: string[] }
  | FailedMessage
  | { type: "response"; slot: number; record: ArrayBuffer };

/** What an I/O worker is started with (workerData). */
export interface IoWorkerInit {
  /** href of the setup module. */
  module: string;
  index: number;
  count: number;
  /** Where to listen (with reusePort): the server's port, or the one the first worker bound. */
  host: string;
  port: number;
  /** The server's options that can cross threads (no logger, timers or I/O worker settings). */
  options: Record<string, unknown>;
}

export type ToIoWorker = { type: "shutdown" } | { type: "stats"; id: number };

export type LogLevel = "debug" | "info" | "warn" | "error";

export type FromIoWorker =
  | { type: "listening"; port: number }
  | { type: "stats"; id: number; stats: RemotingStats }
  | FailedMessage
  | { type: "log"; level: LogLevel; message: string };
