import { decodeCustomHeader } from "../protocol/custom-header.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { ViewMessageRequestHeader } from "../rocketmq/headers.ts";
import { answer } from "./answer.ts";
import type { MessageStore } from "./message-store.ts";

/**
 * VIEW_MESSAGE_BY_ID (33) as Java's QueryMessageProcessor answers it (the admin tools' queryMsgById,
 * MQAdmin.viewMessage): the record stored at the commit-log offset, as the body, or SYSTEM_ERROR
 * with Java's remark. Java reads whatever lies at the offset it is given; only an offset where a
 * kept record starts finds one here.
 */
export function viewMessageById(request: RemotingCommand, store: MessageStore): RemotingCommand {
  const { offset } = decodeCustomHeader(request.extFields, ViewMessageRequestHeader);
  const stored = offset >= 0n && offset <= BigInt(Number.MAX_SAFE_INTEGER) ? store.byCommitLogOffset(Number(offset)) : undefined;
  if (stored === undefined) return answer(request, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
  return answer(request, ResponseCode.SUCCESS, null, { body: stored.record });
}
