import { RemotingCommandError } from "../errors.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { createResponse, RemotingVersion, type RemotingCommand } from "../protocol/remoting-command.ts";

/** The fields of an answer besides its code and remark. */
export interface AnswerInit {
  extFields?: Record<string, string>;
  body?: Uint8Array;
}

/**
 * An answer as the lite servers send it: in the request's own header type (any RocketMQ peer
 * decodes both) and with version 409, RocketMQ 4.9.8's (Java clients check a broker's version, e.g.
 * >= 232 before SQL92 pulls).
 */
export function answer(request: RemotingCommand, code: number, remark: string | null, init: AnswerInit = {}): RemotingCommand {
  return createResponse(code, remark, { ...init, serializeType: request.serializeType, version: RemotingVersion.V4_9_8 });
}

/**
 * What `serve` answers `request` with; a RemotingCommandError it throws (a header or body that
 * does not decode) is answered SYSTEM_ERROR naming it, as Java answers a bad request, without
 * the failure log a processor's throw gets.
 */
export function answerOrRefuse<R extends RemotingCommand | null>(request: RemotingCommand, serve: () => R): R | RemotingCommand {
  try {
    return serve();
  } catch (error) {
    if (error instanceof RemotingCommandError) return answer(request, ResponseCode.SYSTEM_ERROR, `the request is invalid: ${error.message}`);
    throw error;
  }
}
