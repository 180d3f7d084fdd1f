import type { ProcessorContext } from "../core/inbound/processor.ts";
import { concatBytes } from "../protocol/byte-writer.ts";
import { encodeCustomHeader } from "../protocol/custom-header.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import type { SubscriptionData } from "../rocketmq/heartbeat-data.ts";
import { decodeNumericHeader } from "../rocketmq/numeric-header.ts";
import { PullMessageRequestHeader, PullMessageResponseHeader, PullSysFlag } from "../rocketmq/pull-headers.ts";
import { PermName } from "../rocketmq/route-data.ts";
import { brokerTagFilterMatches, buildSubscriptionData, ExpressionType } from "../rocketmq/subscription.ts";
import { answer } from "./answer.ts";
import type { ConsumerGroups } from "./consumer-groups.ts";
import type { ConsumerOffsets } from "./consumer-offsets.ts";
import type { MessageStore } from "./message-store.ts";
import type { TopicTable } from "./topic-table.ts";

/** Java's MessageStoreConfig limits of one pull served from memory. */
const MAX_TRANSFER_COUNT = 32;
const MAX_TRANSFER_BYTES = 256 * 1024;
/** Index entries a filtered pull looks at: max(16000, maxMsgNums * 20) bytes of 20-byte entries. */
const minScanEntries = (maxMsgNums: number): number => Math.max(800, maxMsgNums);
/** Pulls held at once over all connections; past it a pull is answered PULL_NOT_FOUND at once (the client pulls again). */
const MAX_HELD_PULLS = 65_536;

/** What serving a pull needs of the broker. */
export interface PullContext {
  readonly topics: TopicTable;
  readonly store: MessageStore;
  readonly groups: ConsumerGroups;
  readonly offsets: ConsumerOffsets;
  readonly now: () => number;
}

/** A pull being served: its header's queue and offset, with the subscription it filters by. */
interface PullQuery {
  readonly group: string;
  readonly topic: string;
  readonly queueId: number;
  readonly offset: number;
  readonly maxMsgNums: number;
  readonly subscription: SubscriptionData;
}

/** A pull held for long polling, answered later on its connection with its own opaque. */
interface HeldPull {
  readonly ctx: ProcessorContext;
  readonly request: RemotingCommand;
  readonly query: PullQuery;
  readonly deadline: number;
}

/**
 * PULL_MESSAGE as Java 4.9.8's PullMessageProcessor and PullRequestHoldService serve it: the
 * subscription from the request or the group's heartbeat, the queue read by tag hash with Java's
 * batch limits, the committed offset stored, and a pull that finds nothing new held (long polling)
 * until a message arrives in its queue or its suspend time passes, then answered with what it finds.
 */
export class PullService {
  readonly #broker: PullContext;
  /** "topic\0queueId" -> pulls held on that queue. */
  readonly #held = new Map<string, HeldPull[]>();
  #heldCount = 0;

  constructor(broker: PullContext) {
    this.#broker = broker;
  }

  /** Pulls held now. */
  get held(): number {
    return this.#heldCount;
  }

  /** A PULL_MESSAGE request: the answer, or null when the pull is held (it is answered later). */
  process(ctx: ProcessorContext, request: RemotingCommand): RemotingCommand | null {
    let header;
    try {
      header = decodeNumericHeader(request.extFields, PullMessageRequestHeader);
    } catch (error) {
      return answer(request, ResponseCode.SYSTEM_ERROR, `the pull's header is invalid: ${(error as Error).message}`);
    }
    const { consumerGroup: group, topic, queueId } = header;
    const config = this.#broker.topics.get(topic);
    if (config === undefined) return answer(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist, apply first please!`);
    if ((config.perm & PermName.PERM_READ) === 0) return answer(request, ResponseCode.NO_PERMISSION, `the topic[${topic}] pulling message is forbidden`);
    if (queueId < 0 || queueId >= config.readQueueNums) {
      return answer(request, ResponseCode.SYSTEM_ERROR, `queueId[${queueId}] is illegal, topic:[${topic}] topicConfig.readQueueNums:[${config.readQueueNums}] consumer:[${ctx.remoteAddress}]`);
    }
    let subscription: SubscriptionData;
    if ((header.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0) {
      const expressionType = header.expressionType ?? ExpressionType.TAG;
      if (expressionType !== ExpressionType.TAG) return answer(request, ResponseCode.SYSTEM_ERROR, "The broker does not support consumer to filter message by SQL92");
      try {
        subscription = buildSubscriptionData(topic, header.subscription, { expressionType, subVersion: header.subVersion });
      } catch (error) {
        return answer(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, `parse the consumer's subscription failed: ${(error as Error).message}`);
      }
    } else {
      if (!this.#broker.groups.has(group)) return answer(request, ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's group info not exist`);
      const known = this.#broker.groups.subscription(group, topic);
      if (known === undefined) return answer(request, ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's subscription not exist");
      if (known.subVersion < header.subVersion) return answer(request, ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
      if (known.expressionType !== undefined && known.expressionType !== ExpressionType.TAG) return answer(request, ResponseCode.SYSTEM_ERROR, "The broker does not support consumer to filter message by SQL92");
      subscription = known;
    }
    const query: PullQuery = { group, topic, queueId, offset: header.queueOffset, maxMsgNums: header.maxMsgNums, subscription };
    const response = this.#read(request, query);
    if ((header.sysFlag & PullSysFlag.COMMIT_OFFSET) !== 0) this.#broker.offsets.commit(group, topic, queueId, header.commitOffset);
    if (response.code !== ResponseCode.PULL_NOT_FOUND || (header.sysFlag & PullSysFlag.SUSPEND) === 0 || this.#heldCount >= MAX_HELD_PULLS) return response;
    this.#hold({ ctx, request, query, deadline: this.#broker.now() + header.suspendTimeoutMillis });
    return null;
  }

  /** Messages landed in a queue: its held pulls that now find something are answered. */
  onStored(topic: string, queueId: number): void {
    if (this.#held.size === 0) return; // the usual case: no key made per stored message
    const key = `${topic}\u0000${queueId}`;
    const held = this.#held.get(key);
    if (held === undefined) return;
    this.#settle(key, held, (_pull, response) => response.code !== ResponseCode.PULL_NOT_FOUND && response.code !== ResponseCode.PULL_RETRY_IMMEDIATELY);
  }

  /** Answers the held pulls whose suspend time has passed with what they find now; drops those of closed connections. */
  sweep(): void {
    const now = this.#broker.now();
    for (const [key, held] of this.#held) this.#settle(key, held, (pull) => pull.deadline <= now);
  }

  /** Drops every held pull (the server's shutdown closes their connections). */
  close(): void {
    this.#held.clear();
    this.#heldCount = 0;
  }

  #hold(pull: HeldPull): void {
    const key = `${pull.query.topic}\u0000${pull.query.queueId}`;
    let held = this.#held.get(key);
    if (held === undefined) this.#held.set(key, (held = []));
    held.push(pull);
    this.#heldCount++;
  }

  /** Re-reads each held pull of a queue; answers and forgets those `done` says are done, and those whose connection closed. */
  #settle(key: string, held: HeldPull[], done: (pull: HeldPull, response: RemotingCommand) => boolean): void {
    const keep: HeldPull[] = [];
    for (const pull of held) {
      if (!pull.ctx.channel.isActive) continue;
      const response = this.#read(pull.request, pull.query);
      if (done(pull, response)) pull.ctx.writeResponse(pull.request, response);
      else keep.push(pull);
    }
    this.#heldCount -= held.length - keep.length;
    if (keep.length === 0) this.#held.delete(key);
    else this.#held.set(key, keep);
  }

  /** Java's DefaultMessageStore.getMessage and the answer PullMessageProcessor makes of it. */
  #read(request: RemotingCommand, query: PullQuery): RemotingCommand {
    const { store } = this.#broker;
    const { topic, queueId, offset, maxMsgNums, subscription } = query;
    const minOffset = store.minOffset(topic, queueId);
    const maxOffset = store.maxOffset(topic, queueId);
    // [answer code, Java's GetMessageStatus (the answer's remark), nextBeginOffset]
    let outcome: [number, string, number];
    let body: Uint8Array | undefined;
    if (maxOffset === 0) {
      outcome = [offset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND, "NO_MESSAGE_IN_QUEUE", 0];
    } else if (offset < minOffset) {
      outcome = [ResponseCode.PULL_OFFSET_MOVED, "OFFSET_TOO_SMALL", minOffset];
    } else if (offset === maxOffset) {
      outcome = [ResponseCode.PULL_NOT_FOUND, "OFFSET_OVERFLOW_ONE", offset];
    } else if (offset > maxOffset) {
      outcome = [ResponseCode.PULL_OFFSET_MOVED, "OFFSET_OVERFLOW_BADLY", maxOffset]; // 4.9.8 (captured), though older 4.x went back to 0 while minOffset was 0
    } else {
      const limits = { maxCount: Math.min(maxMsgNums, MAX_TRANSFER_COUNT), maxBytes: MAX_TRANSFER_BYTES, maxScan: minScanEntries(maxMsgNums) };
      const found = store.scan(topic, queueId, offset, limits, (m) => brokerTagFilterMatches(subscription, m.tagsCode));
      if (found.messages.length > 0) {
        outcome = [ResponseCode.SUCCESS, "FOUND", found.next];
        body = concatBytes(found.messages.map((m) => m.record));
      } else {
        outcome = [ResponseCode.PULL_RETRY_IMMEDIATELY, "NO_MATCHED_MESSAGE", found.next];
      }
    }
    const [code, status, nextBeginOffset] = outcome;
    const extFields = encodeCustomHeader({ suggestWhichBrokerId: 0, nextBeginOffset, minOffset, maxOffset }, PullMessageResponseHeader);
    return answer(request, code, status, body === undefined ? { extFields } : { extFields, body });
  }
}
