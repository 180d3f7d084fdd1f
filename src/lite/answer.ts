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
