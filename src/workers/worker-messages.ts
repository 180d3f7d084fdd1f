import type { MailboxInit } from "./mailbox.ts";

/** What an executor worker is started with (workerData). */
export interface ExecutorWorkerInit {
  mailbox: MailboxInit;
  /** href of the processors' module. */
  module: string;
  workerIndex: number;
}

/**
 * Messages besides the mailbox: lifecycle, and records larger than a slot (their ArrayBuffer is
 * transferred, not copied).
 */
export type ToExecutorWorker = { type: "request"; slot: number; record: ArrayBuffer };

export type FromExecutorWorker =
  | { type: "ready" }
  | { type: "failed"; message: string; stack: string | null }
  | { type: "response"; slot: number; record: ArrayBuffer };
