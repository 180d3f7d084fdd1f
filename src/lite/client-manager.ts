import type { ProcessorContext, RemotingChannel } from "../core/inbound/processor.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { bodyRecord, record } from "../rocketmq/body-shape.ts";
import { encodeConsumerIdList } from "../rocketmq/consumer-bodies.ts";
import { GetConsumerListByGroupRequestHeader, UnregisterClientRequestHeader } from "../rocketmq/consumer-headers.ts";
import { parseHeartbeatData } from "../rocketmq/heartbeat-data.ts";
import { retryTopicOf } from "../rocketmq/message/topics.ts";
import { decodeNumericHeader } from "../rocketmq/numeric-header.ts";
import { ExpressionType } from "../rocketmq/subscription.ts";
import { answer } from "./answer.ts";
import type { ConsumerGroups } from "./consumer-groups.ts";
import type { TopicTable } from "./topic-table.ts";

/** How long a client may stay silent before the broker forgets it (Java's channel expiry). */
export const CLIENT_CHANNEL_MAX_IDLE_MS = 120_000;
/** Queues of a group's retry topic (Java's SubscriptionGroupConfig.retryQueueNums). */
export const RETRY_QUEUE_NUMS = 1;

/** What the client calls need of the broker. */
export interface ClientManagerContext {
  readonly groups: ConsumerGroups;
  readonly topics: TopicTable;
  readonly now: () => number;
  /** A topic was created (a group's retry topic): the name servers should hear of it. */
  readonly onTopicCreated: (topic: string) => void;
  /** Sends NOTIFY_CONSUMER_IDS_CHANGED for `group` on `channel` (oneway). */
  readonly notify: (channel: RemotingChannel, group: string) => void;
}

/**
 * The client calls of a broker (Java's ClientManageProcessor and ConsumerManager): HEART_BEAT
 * registers consumer groups (creating each one's retry topic), UNREGISTER_CLIENT, a closed
 * connection or two minutes of silence take a client out, GET_CONSUMER_LIST_BY_GROUP lists a
 * group's clients, CHECK_CLIENT_CONFIG accepts TAG subscriptions. Whenever a group's clients or
 * topics change, every client of the group is sent NOTIFY_CONSUMER_IDS_CHANGED, so that it
 * rebalances at once.
 */
export class ClientManager {
  readonly #broker: ClientManagerContext;

  constructor(broker: ClientManagerContext) {
    this.#broker = broker;
  }

  heartbeat(ctx: ProcessorContext, request: RemotingCommand): RemotingCommand {
    const data = parseHeartbeatData(request.body);
    const { groups, topics } = this.#broker;
    for (const consumer of data.consumerDataSet) {
      const retryTopic = retryTopicOf(consumer.groupName);
      if (topics.get(retryTopic) === undefined) {
        topics.ensure(retryTopic, RETRY_QUEUE_NUMS);
        this.#broker.onTopicCreated(retryTopic);
      }
      if (groups.register(consumer, data.clientID, ctx.channel, this.#broker.now())) this.#notifyGroup(consumer.groupName);
    }
    return answer(request, ResponseCode.SUCCESS, null);
  }

  unregister(request: RemotingCommand): RemotingCommand {
    const header = decodeNumericHeader(request.extFields, UnregisterClientRequestHeader);
    if (header.consumerGroup !== undefined && this.#broker.groups.unregister(header.consumerGroup, header.clientID)) this.#notifyGroup(header.consumerGroup);
    return answer(request, ResponseCode.SUCCESS, null);
  }

  consumerList(request: RemotingCommand): RemotingCommand {
    const { consumerGroup } = decodeNumericHeader(request.extFields, GetConsumerListByGroupRequestHeader);
    const consumerIdList = this.#broker.groups.clientIds(consumerGroup);
    if (consumerIdList.length === 0) return answer(request, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${consumerGroup}`);
    return answer(request, ResponseCode.SUCCESS, null, { body: encodeConsumerIdList({ consumerIdList }) });
  }

  /** CHECK_CLIENT_CONFIG: TAG subscriptions are fine; SQL92 is not evaluated here, so it is refused as a broker without property filtering refuses it. */
  checkClientConfig(request: RemotingCommand): RemotingCommand {
    const body = bodyRecord(request.body, "CheckClientRequestBody");
    const subscription = body.subscriptionData === undefined || body.subscriptionData === null ? {} : record(body.subscriptionData, "CheckClientRequestBody.subscriptionData");
    const type = subscription.expressionType ?? ExpressionType.TAG;
    if (type !== ExpressionType.TAG) return answer(request, ResponseCode.SYSTEM_ERROR, "The broker does not support consumer to filter message by SQL92");
    return answer(request, ResponseCode.SUCCESS, null);
  }

  /** A connection closed: its clients leave their groups. */
  channelClosed(channel: RemotingChannel): void {
    for (const group of this.#broker.groups.removeChannel(channel)) this.#notifyGroup(group);
  }

  /** Clients silent for two minutes leave their groups. */
  evictIdle(): void {
    for (const group of this.#broker.groups.evictIdle(this.#broker.now(), CLIENT_CHANNEL_MAX_IDLE_MS)) this.#notifyGroup(group);
  }

  #notifyGroup(group: string): void {
    for (const channel of this.#broker.groups.channels(group)) this.#broker.notify(channel, group);
  }
}
