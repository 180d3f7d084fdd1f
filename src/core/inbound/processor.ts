import type { RemotingCommand } from "../../protocol/remoting-command.ts";

/** A connection as user code sees it: pass it to server.invoke*(channel, ...) to call the peer. */
export interface RemotingChannel {
  /** Unique within the process. */
  readonly id: number;
  /** "host:port" of the peer. */
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** False once closed. */
  readonly isActive: boolean;
  /** Closes the connection; its pending calls fail at once. */
  close(): void;
}

/** What a processor learns about the request's connection. */
export interface ProcessorContext {
  readonly channel: RemotingChannel;
  /** "host:port" of the peer. */
  readonly remoteAddress: string;
  /**
   * Answers `request` later, for a processor that returned null (long polling and the like).
   * Sets the response's opaque and response flag; does nothing for oneway requests.
   */
  writeResponse(request: RemotingCommand, response: RemotingCommand): void;
}

export type ProcessorResult = RemotingCommand | null | Promise<RemotingCommand | null>;
export type ProcessorFunction = (ctx: ProcessorContext, request: RemotingCommand) => ProcessorResult;

/** Java's NettyRequestProcessor: `rejectRequest()` true answers SYSTEM_BUSY without processing. */
export interface ProcessorObject {
  processRequest(ctx: ProcessorContext, request: RemotingCommand): ProcessorResult;
  rejectRequest?(): boolean;
}

export type RequestProcessor = ProcessorFunction | ProcessorObject;
