import { MQBrokerError } from "../errors.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import type { SubscriptionData } from "./heartbeat-data.ts";
import type { BodyDecompressor } from "./message/compression.ts";
import { decodeMessageExts } from "./message/message-ext-codec.ts";
import { MessageConst } from "./message/message-const.ts";
import type { MessageExt } from "./message/message.ts";
import type { Properties } from "./message/properties.ts";
import { decodeNumericHeader } from "./numeric-header.ts";
import { PullMessageResponseHeader } from "./pull-headers.ts";
import { clientTagFilterMatches } from "./subscription.ts";

/*
 * A broker's answer to a pull as Java's client reads it: MQClientAPIImpl.processPullResponse (code
 * to status, the header) and PullAPIWrapper.processPullResult (records decoded, the client's tag
 * filter, MIN_OFFSET / MAX_OFFSET added).
 */

/** What a pull found (Java's PullStatus). */
export const PullStatus = {
  /** SUCCESS: messages in the body. */
  FOUND: "FOUND",
  /** PULL_NOT_FOUND: nothing new (after any long-poll hold). */
  NO_NEW_MSG: "NO_NEW_MSG",
  /** PULL_RETRY_IMMEDIATELY: entries were scanned but none matched the filter. */
  NO_MATCHED_MSG: "NO_MATCHED_MSG",
  /** PULL_OFFSET_MOVED: the offset was outside the queue; continue from nextBeginOffset. */
  OFFSET_ILLEGAL: "OFFSET_ILLEGAL",
} as const;
export type PullStatus = (typeof PullStatus)[keyof typeof PullStatus];

/** A pull's answer before its records are decoded (Java's PullResultExt). */
export interface PullResponse {
  /** What the broker answered: FOUND, NO_NEW_MSG, NO_MATCHED_MSG or OFFSET_ILLEGAL. */
  pullStatus: PullStatus;
  /** Where the next pull of this queue starts. */
  nextBeginOffset: number;
  /** The queue's smallest offset still kept. */
  minOffset: number;
  /** The queue's offset after its last message. */
  maxOffset: number;
  /** The broker id (0: master) the broker suggests for the next pull. */
  suggestWhichBrokerId: number;
  /** The records (FOUND only): a view into the received frame. */
  body: Uint8Array | null;
}

const PULL_STATUS_BY_CODE: ReadonlyMap<number, PullStatus> = new Map([
  [ResponseCode.SUCCESS, PullStatus.FOUND],
  [ResponseCode.PULL_NOT_FOUND, PullStatus.NO_NEW_MSG],
  [ResponseCode.PULL_RETRY_IMMEDIATELY, PullStatus.NO_MATCHED_MSG],
  [ResponseCode.PULL_OFFSET_MOVED, PullStatus.OFFSET_ILLEGAL],
]);

/** The PullStatus of a broker's answer code, or null for a code Java treats as an error. */
export function pullStatusOf(code: number): PullStatus | null {
  return PULL_STATUS_BY_CODE.get(code) ?? null;
}

/**
 * Java's processPullResponse: SUCCESS, PULL_NOT_FOUND, PULL_RETRY_IMMEDIATELY and PULL_OFFSET_MOVED
 * give a PullResponse (the four header fields are required); any other code (FLOW_CONTROL,
 * SUBSCRIPTION_NOT_LATEST...) is an MQBrokerError.
 */
export function processPullResponse(response: RemotingCommand, brokerAddr: string | null = null): PullResponse {
  const pullStatus = pullStatusOf(response.code);
  if (pullStatus === null) throw new MQBrokerError(response.code, response.remark, brokerAddr);
  const header = decodeNumericHeader(response.extFields, PullMessageResponseHeader);
  return {
    pullStatus,
    nextBeginOffset: header.nextBeginOffset,
    minOffset: header.minOffset,
    maxOffset: header.maxOffset,
    suggestWhichBrokerId: header.suggestWhichBrokerId,
    body: pullStatus === PullStatus.FOUND ? response.body : null,
  };
}

/**
 * Java's PullAPIWrapper.processPullResult for a FOUND answer: the records decoded (bodies as views,
 * compressed ones inflated with `decompress`), the client's tag filter of `subscription` applied,
 * and MIN_OFFSET and MAX_OFFSET from the answer put into each message's properties. Other statuses
 * give no messages. A damaged record is a RemotingCommandError (see decodeMessageExts).
 */
export function processPullResult(
  pull: PullResponse,
  subscription: SubscriptionData,
  options: { brokerName?: string; decompress?: BodyDecompressor; onCorruptRecord?: "throw" | "stop" } = {},
): MessageExt[] {
  if (pull.pullStatus !== PullStatus.FOUND || pull.body === null) return [];
  const decoded = decodeMessageExts(pull.body, options);
  const minOffset = String(pull.minOffset);
  const maxOffset = String(pull.maxOffset);
  const out: MessageExt[] = [];
  for (const message of decoded) {
    if (!clientTagFilterMatches(subscription, message.tags)) continue;
    const properties = message.properties as Properties;
    properties[MessageConst.PROPERTY_MIN_OFFSET] = minOffset;
    properties[MessageConst.PROPERTY_MAX_OFFSET] = maxOffset;
    out.push(message);
  }
  return out;
}
