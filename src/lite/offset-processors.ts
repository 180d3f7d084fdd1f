import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { encodeCustomHeader } from "../protocol/custom-header.ts";
import {
  OffsetResponseHeader,
  QueryConsumerOffsetRequestHeader,
  QueueOffsetRequestHeader,
  SearchOffsetRequestHeader,
  UpdateConsumerOffsetRequestHeader,
} from "../rocketmq/consumer-headers.ts";
import { decodeNumericHeader } from "../rocketmq/numeric-header.ts";
import { answer } from "./answer.ts";
import type { ConsumerOffsets } from "./consumer-offsets.ts";
import type { MessageStore } from "./message-store.ts";

/** What the offset calls read and write. */
export interface OffsetContext {
  readonly store: MessageStore;
  readonly offsets: ConsumerOffsets;
}

/** The request codes offsetProcessor serves. */
export const OFFSET_REQUEST_CODES = [
  RequestCode.QUERY_CONSUMER_OFFSET,
  RequestCode.UPDATE_CONSUMER_OFFSET,
  RequestCode.GET_MAX_OFFSET,
  RequestCode.GET_MIN_OFFSET,
  RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
] as const;

function offsetAnswer(request: RemotingCommand, offset: number): RemotingCommand {
  return answer(request, ResponseCode.SUCCESS, null, { extFields: encodeCustomHeader({ offset }, OffsetResponseHeader) });
}

/**
 * QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET, GET_MAX_OFFSET, GET_MIN_OFFSET and
 * SEARCH_OFFSET_BY_TIMESTAMP as a 4.9.8 broker answers them. A group without a committed offset on
 * a queue that still starts at 0 reads 0 (4.9.8's rule for messages still in memory, and all of
 * these are), so a new group consumes from the start even with CONSUME_FROM_LAST_OFFSET, as
 * against a Java broker whose queue never lost a message; QUERY_NOT_FOUND otherwise.
 */
export function offsetProcessor(request: RemotingCommand, { store, offsets }: OffsetContext): RemotingCommand {
  switch (request.code) {
    case RequestCode.QUERY_CONSUMER_OFFSET: {
      const h = decodeNumericHeader(request.extFields, QueryConsumerOffsetRequestHeader);
      const committed = offsets.query(h.consumerGroup, h.topic, h.queueId);
      if (committed !== undefined && committed >= 0) return offsetAnswer(request, committed);
      if (store.minOffset(h.topic, h.queueId) <= 0) return offsetAnswer(request, 0);
      return answer(request, ResponseCode.QUERY_NOT_FOUND, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
    }
    case RequestCode.UPDATE_CONSUMER_OFFSET: {
      const h = decodeNumericHeader(request.extFields, UpdateConsumerOffsetRequestHeader);
      offsets.commit(h.consumerGroup, h.topic, h.queueId, h.commitOffset);
      return answer(request, ResponseCode.SUCCESS, null);
    }
    case RequestCode.GET_MAX_OFFSET:
    case RequestCode.GET_MIN_OFFSET: {
      const h = decodeNumericHeader(request.extFields, QueueOffsetRequestHeader);
      return offsetAnswer(request, request.code === RequestCode.GET_MAX_OFFSET ? store.maxOffset(h.topic, h.queueId) : store.minOffset(h.topic, h.queueId));
    }
    case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP: {
      const h = decodeNumericHeader(request.extFields, SearchOffsetRequestHeader);
      return offsetAnswer(request, store.offsetByTimestamp(h.topic, h.queueId, h.timestamp));
    }
    default:
      return answer(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `request code ${request.code} is not an offset call`);
  }
}
