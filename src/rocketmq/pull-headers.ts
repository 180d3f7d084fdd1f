import type { HeaderOf, HeaderSchema } from "../protocol/custom-header.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { RPC_FIELDS } from "./headers.ts";
import { createHeaderRequest, createHeaderResponse, type NumericHeaderOf } from "./numeric-header.ts";
import type { RequestFields } from "./requests.ts";

/*
 * PULL_MESSAGE (11): the request header (PullMessageRequestHeader, fields in Java's ROCKETMQ encoding
 * order) with its sysFlag bits, and the answer's header. Every pull answer carries all four
 * response fields, whatever its code.
 */

/** Bits of a pull's sysFlag (Java's PullSysFlag). */
export const PullSysFlag = {
  /** commitOffset is the group's committed offset: the broker stores it (push consumers). */
  COMMIT_OFFSET: 0x1,
  /** The broker may hold the pull until a message arrives (long polling). */
  SUSPEND: 0x2,
  /** `subscription` carries the expression (otherwise the heartbeat's is used). */
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  /** Sent by lite pull consumers. */
  LITE_PULL_MESSAGE: 0x10,
} as const;

/** PullSysFlag.buildSysFlag. */
export function buildPullSysFlag(flags: { commitOffset?: boolean; suspend?: boolean; subscription?: boolean; classFilter?: boolean; litePull?: boolean }): number {
  return (
    (flags.commitOffset === true ? PullSysFlag.COMMIT_OFFSET : 0) |
    (flags.suspend === true ? PullSysFlag.SUSPEND : 0) |
    (flags.subscription === true ? PullSysFlag.SUBSCRIPTION : 0) |
    (flags.classFilter === true ? PullSysFlag.CLASS_FILTER : 0) |
    (flags.litePull === true ? PullSysFlag.LITE_PULL_MESSAGE : 0)
  );
}

/** PULL_MESSAGE's request header. */
export const PullMessageRequestHeader = {
  /** The group pulling. */
  consumerGroup: "string!",
  /** The topic pulled from. */
  topic: "string!",
  /** The queue pulled from. */
  queueId: "int!",
  /** The first queue offset wanted. */
  queueOffset: "long!",
  /** Most messages to return (the broker also caps the bytes). */
  maxMsgNums: "int!",
  /** PullSysFlag bits. */
  sysFlag: "int!",
  /** The group's committed offset (used with COMMIT_OFFSET). */
  commitOffset: "long!",
  /** How long the broker may hold the pull (with SUSPEND). */
  suspendTimeoutMillis: "long!",
  /** The expression (with SUBSCRIPTION): "*", "TagA || TagB", or SQL92. */
  subscription: "string",
  /** The subscription's version: the broker answers SUBSCRIPTION_NOT_LATEST if its own is older. */
  subVersion: "long!",
  /** "TAG" or "SQL92". */
  expressionType: "string",
  ...RPC_FIELDS,
  /** 5.x: most bytes to answer with. */
  maxMsgBytes: "int",
} as const satisfies HeaderSchema;
export type PullMessageRequestHeader = HeaderOf<typeof PullMessageRequestHeader>;

/** PULL_MESSAGE's answer header, required on every answer (FOUND, NOT_FOUND, RETRY_IMMEDIATELY, OFFSET_MOVED). */
export const PullMessageResponseHeader = {
  /** The broker id to pull this queue from next (0: the master). */
  suggestWhichBrokerId: "long!",
  /** The offset to pull from next. */
  nextBeginOffset: "long!",
  /** The queue's smallest offset still kept. */
  minOffset: "long!",
  /** The offset the next message will get. */
  maxOffset: "long!",
  /** 5.x. */
  offsetDelta: "long",
  /** 5.x. */
  topicSysFlag: "int",
  /** 5.x. */
  groupSysFlag: "int",
  /** 5.x. */
  forbiddenType: "int",
} as const satisfies HeaderSchema;
export type PullMessageResponseHeader = HeaderOf<typeof PullMessageResponseHeader>;

/** A PULL_MESSAGE request (LITE_PULL_MESSAGE, 361, with `lite`: what 5.x lite pull consumers send). */
export function createPullMessageRequest(header: NumericHeaderOf<typeof PullMessageRequestHeader>, init?: RequestFields & { lite?: boolean }): RemotingCommand {
  const { lite = false, ...rest } = init ?? {};
  return createHeaderRequest(lite ? RequestCode.LITE_PULL_MESSAGE : RequestCode.PULL_MESSAGE, PullMessageRequestHeader, header, rest);
}

/**
 * A broker's answer to a pull: `code` SUCCESS (with the records as body; remark FOUND), PULL_NOT_FOUND,
 * PULL_RETRY_IMMEDIATELY or PULL_OFFSET_MOVED, always with the four header fields.
 */
export function createPullMessageResponse(
  header: NumericHeaderOf<typeof PullMessageResponseHeader>,
  init: RequestFields & { code?: number; body?: Uint8Array | null } = {},
): RemotingCommand {
  return createHeaderResponse(PullMessageResponseHeader, header, { code: ResponseCode.SUCCESS, ...init });
}
