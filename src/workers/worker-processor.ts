import type { ProcessorResult } from "../core/inbound/processor.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";

/**
 * What a processor running in a worker learns about its request. There is no channel: the socket
 * lives on the I/O thread, so a worker processor can neither call the client back nor answer later
 * through the context; it answers by returning (or resolving to) its response, or null for none.
 */
export interface WorkerProcessorContext {
  /** "host:port" of the peer. */
  readonly remoteAddress: string;
  /** The name the processor was registered under (its export name). */
  readonly processorName: string;
  /** Which worker of the group runs it (0-based; a replacement keeps the index). */
  readonly workerIndex: number;
}

/** A worker processor as a function: returns (or resolves to) the response, or null / undefined for none. */
export type WorkerProcessorFunction = (ctx: WorkerProcessorContext, request: RemotingCommand) => ProcessorResult;

/** A worker processor as an object (no rejectRequest: admission happens on the I/O thread). */
export interface WorkerProcessorObject {
  /** Handles one request, as a WorkerProcessorFunction does. */
  processRequest(ctx: WorkerProcessorContext, request: RemotingCommand): ProcessorResult;
}

/** What a worker group's module exports, by name. */
export type WorkerProcessor = WorkerProcessorFunction | WorkerProcessorObject;
