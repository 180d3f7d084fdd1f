import type { RemotingClient } from "../../core/endpoint/remoting-client.ts";
import { RemotingClient as CoreClient } from "../../core/endpoint/remoting-client.ts";
import { MQBrokerError, RemotingLifecycleError } from "../../errors.ts";
import { RemotingVersion } from "../../protocol/remoting-command.ts";
import { RequestCode } from "../../protocol/request-code.ts";
import { ResponseCode } from "../../protocol/response-code.ts";
import { runtimeTransport } from "../../transport/runtime.ts";
import { allocateMessageQueueAveragely } from "../allocate-averagely.ts";
import { sendHeartbeats, unregisterClient } from "../client/broker-calls.ts";
import { clientIdentity, type ClientIdentity } from "../client/client-identity.ts";
import { PeriodicTask } from "../client/periodic-task.ts";
import { settleAll } from "../client/settle-all.ts";
import { TopicRoutes } from "../client/topic-routes.ts";
import { parseConsumerIdList } from "../consumer-bodies.ts";
import { ConsumerSendMsgBackRequestHeader, GetConsumerListByGroupRequestHeader } from "../consumer-headers.ts";
import { ConsumeFromWhere, ConsumeType, MessageModel, type HeartbeatData, type SubscriptionData } from "../heartbeat-data.ts";
import { MixAll, retryTopicOf } from "../message/topics.ts";
import { decompressBody } from "../message/zlib-compression.ts";
import { compareMessageQueues, type MessageQueue } from "../message-queue.ts";
import { createHeaderRequest } from "../numeric-header.ts";
import { topicRouteDataToSubscribeInfo } from "../publish-info.ts";
import { buildPullSysFlag, createPullMessageRequest } from "../pull-headers.ts";
import { processPullResponse, processPullResult, PullStatus, type PullResponse } from "../pull-result.ts";
import type { MessageExt } from "../message/message.ts";
import { masterOfBroker } from "../route-data.ts";
import { buildSubscriptionData, ExpressionType, SUB_ALL } from "../subscription.ts";
import { commitOffset, maxOffsetOf, offsetByTimestamp, readCommittedOffset } from "./broker-offsets.ts";
import { resolveConsumerOptions, type ConsumerInit, type ConsumerOptions } from "./consumer-options.ts";
import { toConsumerMessage, type ConsumerMessage } from "./consumer-message.ts";
import { DeliveryQueue } from "./delivery-queue.ts";
import { ProcessQueue } from "./process-queue.ts";

/** A message handed over and not yet settled: its queue and offset, for the commit. */
interface Delivery {
  readonly pq: ProcessQueue;
  readonly offset: number;
  settled: boolean;
}

type State = "new" | "starting" | "running" | "closing" | "closed";

/** How long a message whose send-back failed waits before it is handed over again (Java: 5 s). */
const LOCAL_RETRY_DELAY_MS = 5_000;
/** First wait before a rebalance that could not place every topic is tried again; doubles up to rebalanceIntervalMs. */
const QUICK_REBALANCE_MS = 250;

/**
 * Consumes a topic as a member of a consumer group, as Java 4.9.8's DefaultMQPushConsumer in
 * clustering mode does: the group's clients share the topic's queues (and the group's retry topic)
 * by Java's average allocation, rebalanced every rebalanceIntervalMs and at once when a broker says
 * the group changed; each queue is pulled with long polling; offsets are committed as messages are
 * done; a message that failed comes back later through the retry topic.
 *
 * Messages are taken with `for await (const message of consumer)`. A message is done when the loop
 * asks for the next one; `retryLater(message)` sends it back instead. Leaving the loop (break,
 * return or a throw: JavaScript does not tell them apart) sends the message in hand back for a
 * retry and closes the consumer. Delivery is at least once: a message whose queue moves to another
 * client, or that is in hand when close() commits, may come again.
 */
export class Consumer implements AsyncIterable<ConsumerMessage> {
  readonly #options: ConsumerOptions;
  readonly #identity: ClientIdentity;
  readonly #retryTopic: string;
  /** The topic's subscription and the retry topic's ("*"). */
  readonly #subscriptions: ReadonlyMap<string, SubscriptionData>;
  readonly #queues = new Map<string, ProcessQueue>();
  readonly #deliveries = new WeakMap<ConsumerMessage, Delivery>();
  readonly #ready = new DeliveryQueue<ConsumerMessage>();
  readonly #loops = new Set<Promise<void>>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #state: State = "new";
  #client: RemotingClient | null = null;
  #routes: TopicRoutes | null = null;
  #tasks: PeriodicTask[] = [];
  #starting: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  #rebalancing: Promise<void> | null = null;
  #rebalanceAgain = false;
  #quickRebalanceMs = QUICK_REBALANCE_MS;

  /** Checks every option (a TypeError naming a bad one, an MQClientError for a group, topic or expression Java refuses); nothing is opened before start(). */
  constructor(options: ConsumerInit) {
    this.#options = resolveConsumerOptions(options);
    const o = this.#options;
    this.#identity = clientIdentity({ clientIp: o.clientIp, instanceName: o.instanceName });
    this.#retryTopic = retryTopicOf(o.group);
    const subVersion = Date.now();
    this.#subscriptions = new Map([
      [o.topic, buildSubscriptionData(o.topic, o.expression, { subVersion })],
      [this.#retryTopic, buildSubscriptionData(this.#retryTopic, SUB_ALL, { subVersion })],
    ]);
  }

  /** "ip@instanceName": how brokers and the group's other clients know this one. */
  get clientId(): string {
    return this.#identity.clientId;
  }

  /** The options in force (defaults filled in). */
  get options(): Readonly<ConsumerOptions> {
    return this.#options;
  }

  /** Messages pulled and not yet done, over every queue (each queue's pulls pause at maxBufferedPerQueue). */
  get buffered(): number {
    let n = 0;
    for (const pq of this.#queues.values()) n += pq.buffered;
    return n;
  }

  /** The queues this client reads now (of the topic and of the group's retry topic). */
  get assignedQueues(): MessageQueue[] {
    return [...this.#queues.values()].map((pq) => pq.queue);
  }

  /**
   * Opens the client, sends heartbeats and takes this client's share of the queues (their start
   * offsets read), then pulls them. Idempotent. Like Java's, it does not fail when the name servers
   * or the topic are not there yet: it keeps trying in the background.
   */
  start(): Promise<void> {
    if (this.#state === "closing" || this.#state === "closed") return Promise.reject(new RemotingLifecycleError("Consumer: start() after close()"));
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#state = "starting";
    const o = this.#options;
    const signal = o.signal;
    if (signal !== undefined) {
      if (signal.aborted) throw new RemotingLifecycleError("Consumer: its signal was aborted before start()");
      signal.addEventListener("abort", () => void this.close(), { once: true });
    }
    const client = new CoreClient({ transport: o.transport ?? (await runtimeTransport()), logger: o.logger });
    client.updateNameServerAddressList(o.nameServers);
    client.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, () => {
      void this.#rebalance();
      return null;
    });
    await client.start();
    this.#client = client;
    this.#routes = new TopicRoutes(client, { timeoutMs: o.clientApiTimeoutMs, version: RemotingVersion.V4_9_8 });
    const report = (what: string) => (error: unknown) => this.#warn(`${what} failed`, error);
    this.#tasks = [
      new PeriodicTask(o.pollNameServerIntervalMs, () => this.#refreshRoutes(), report("route refresh")),
      new PeriodicTask(o.heartbeatIntervalMs, () => this.#heartbeat(), report("heartbeat")),
      new PeriodicTask(o.rebalanceIntervalMs, () => this.#rebalance(), report("rebalance")),
      new PeriodicTask(o.persistIntervalMs, () => this.#persist(false), report("offset commit")),
    ];
    await this.#refreshRoutes().catch(report("route lookup"));
    await this.#heartbeat().catch(report("heartbeat"));
    if (this.#state !== "starting") return; // closed meanwhile
    this.#state = "running";
    for (const task of this.#tasks) task.start();
    await this.#rebalance();
  }

  /**
   * Messages as they arrive, from every queue this client reads; see the class comment for when a
   * message counts as done. Several iterators may run at once (each message goes to one of them).
   */
  [Symbol.asyncIterator](): AsyncIterator<ConsumerMessage> {
    let current: ConsumerMessage | null = null;
    return {
      next: async (): Promise<IteratorResult<ConsumerMessage>> => {
        if (this.#state === "new" || this.#state === "starting") throw new RemotingLifecycleError("Consumer: call start() and wait for it before iterating");
        if (current !== null) this.#settle(current);
        current = null;
        for (;;) {
          const message = await this.#ready.take();
          if (message === null) return { done: true, value: undefined };
          if (this.#deliveries.get(message)?.pq.dropped === true) continue; // its queue went to another client: that one reads it
          current = message;
          return { done: false, value: message };
        }
      },
      return: async (): Promise<IteratorResult<ConsumerMessage>> => {
        const inHand = current;
        current = null;
        if (inHand !== null) await this.retryLater(inHand);
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * Sends `message` back for a later retry (CONSUMER_SEND_MSG_BACK): it comes again through the
   * group's retry topic after the delay of `delayLevel` (default: the broker's choice, 3 +
   * reconsumeTimes, 10 s the first time), or goes to the dead-letter topic once it came back
   * maxReconsumeTimes times. If the broker cannot be reached it is handed over again here after
   * 5 s. Does nothing for a message already done or sent back.
   */
  async retryLater(message: ConsumerMessage, delayLevel = 0): Promise<void> {
    const delivery = this.#deliveries.get(message);
    if (delivery === undefined) throw new TypeError("retryLater: not a message this consumer handed over");
    if (!Number.isInteger(delayLevel)) throw new TypeError(`retryLater: delayLevel must be an integer, got ${String(delayLevel)}`);
    if (delivery.settled) return;
    delivery.settled = true;
    const o = this.#options;
    try {
      const addr = this.#masterOf(message.brokerName);
      const header = {
        offset: message.commitLogOffset,
        group: o.group,
        delayLevel,
        originMsgId: message.msgId,
        originTopic: message.topic,
        unitMode: false,
        maxReconsumeTimes: o.maxReconsumeTimes,
        bname: message.brokerName,
      };
      const request = createHeaderRequest(RequestCode.CONSUMER_SEND_MSG_BACK, ConsumerSendMsgBackRequestHeader, header, { version: RemotingVersion.V4_9_8, serializeType: o.serializeType });
      const response = await this.#client!.invokeSync(addr, request, o.clientApiTimeoutMs);
      if (response.code !== ResponseCode.SUCCESS) throw new MQBrokerError(response.code, response.remark, addr);
      delivery.pq.done(delivery.offset);
    } catch (error) {
      this.#warn(`sending message ${message.msgId} back failed; it comes again in ${LOCAL_RETRY_DELAY_MS} ms`, error);
      this.#later(LOCAL_RETRY_DELAY_MS, () => this.#handOver(toRetried(message), delivery.pq, delivery.offset));
    }
  }

  /**
   * Stops pulling, commits the offsets of what is done, unregisters from the brokers and closes
   * the client. Iterators end (messages not yet taken come again later, to this group). Idempotent;
   * always settles.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    const started = this.#starting;
    this.#state = "closing";
    await started?.catch(() => undefined);
    await Promise.all(this.#tasks.map((t) => t.stop()));
    await this.#rebalancing?.catch(() => undefined); // it starts no queue once closing
    for (const pq of this.#queues.values()) pq.abort.abort();
    this.#ready.close();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#loops]);
    const client = this.#client;
    if (client !== null) {
      await this.#persist(true).catch((error: unknown) => this.#warn("committing offsets at close failed", error));
      await unregisterClient(client, this.#routes!.masterAddresses().values(), [{ clientID: this.clientId, consumerGroup: this.#options.group }], this.#options.clientApiTimeoutMs, (error) =>
        this.#warn("unregistering failed", error),
      );
      await client.shutdown();
    }
    this.#state = "closed";
  }

  /** The message is done: its queue's committed offset may move past it. */
  #settle(message: ConsumerMessage): void {
    const delivery = this.#deliveries.get(message);
    if (delivery === undefined || delivery.settled) return;
    delivery.settled = true;
    delivery.pq.done(delivery.offset);
  }

  #handOver(message: ConsumerMessage, pq: ProcessQueue, offset: number): void {
    if (pq.dropped) return;
    this.#deliveries.set(message, { pq, offset, settled: false });
    this.#ready.push(message);
  }

  #later(ms: number, run: () => void): void {
    if (this.#state !== "running") return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    (timer as { unref?: () => void }).unref?.();
    this.#timers.add(timer);
  }

  #masterOf(brokerName: string): string {
    return this.#routes!.masterAddress(brokerName);
  }

  async #refreshRoutes(): Promise<void> {
    await settleAll([...this.#subscriptions.keys()].map((topic) => this.#routes!.refresh(topic)));
  }

  #heartbeat(): Promise<void> {
    const o = this.#options;
    const consumeFromWhere =
      o.fromWhere === "first" ? ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET : o.fromWhere === "last" ? ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET : ConsumeFromWhere.CONSUME_FROM_TIMESTAMP;
    const data: HeartbeatData = {
      clientID: this.clientId,
      producerDataSet: [{ groupName: MixAll.CLIENT_INNER_PRODUCER_GROUP }],
      consumerDataSet: [
        {
          groupName: o.group,
          consumeType: ConsumeType.CONSUME_PASSIVELY,
          messageModel: MessageModel.CLUSTERING,
          consumeFromWhere,
          subscriptionDataSet: [...this.#subscriptions.values()],
          unitMode: false,
        },
      ],
    };
    return sendHeartbeats(this.#client!, this.#routes!.masterAddresses().values(), data, o.clientApiTimeoutMs);
  }

  /** Shares the queues out again (one rebalance at a time; a request meanwhile runs one more after it). */
  #rebalance(): Promise<void> {
    if (this.#rebalancing !== null) {
      this.#rebalanceAgain = true;
      return this.#rebalancing;
    }
    this.#rebalancing = (async () => {
      do {
        this.#rebalanceAgain = false;
        await this.#rebalanceOnce();
      } while (this.#rebalanceAgain && this.#state === "running");
    })().finally(() => {
      this.#rebalancing = null;
    });
    return this.#rebalancing;
  }

  async #rebalanceOnce(): Promise<void> {
    let complete = true;
    for (const topic of this.#subscriptions.keys()) {
      if (this.#state !== "running") return;
      try {
        const assigned = await this.#assignmentOf(topic);
        if (assigned === null) complete = false;
        else if (!(await this.#apply(topic, assigned))) complete = false;
      } catch (error) {
        complete = false;
        this.#warn(`rebalancing topic ${topic} failed`, error);
      }
    }
    if (complete) {
      this.#quickRebalanceMs = QUICK_REBALANCE_MS;
    } else {
      // A retry topic the name server does not list yet, a group the broker does not know yet...: soon again.
      this.#later(this.#quickRebalanceMs, () => void this.#rebalance());
      this.#quickRebalanceMs = Math.min(this.#quickRebalanceMs * 2, this.#options.rebalanceIntervalMs);
    }
  }

  /** Java's rebalanceByTopic: this client's share of the topic's readable queues, or null when the route or the group's clients are not known. */
  async #assignmentOf(topic: string): Promise<MessageQueue[] | null> {
    const route = this.#routes!.get(topic) ?? (await this.#routes!.refresh(topic));
    if (route === null) return null;
    const mqAll = topicRouteDataToSubscribeInfo(topic, route).sort(compareMessageQueues);
    const masters = route.brokerDatas.map(masterOfBroker).filter((a): a is string => a !== undefined);
    if (mqAll.length === 0 || masters.length === 0) return null;
    const addr = masters[Math.floor(Math.random() * masters.length)]!;
    const request = createHeaderRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, GetConsumerListByGroupRequestHeader, { consumerGroup: this.#options.group }, { version: RemotingVersion.V4_9_8 });
    const response = await this.#client!.invokeSync(addr, request, this.#options.clientApiTimeoutMs);
    const cidAll = response.code === ResponseCode.SUCCESS ? parseConsumerIdList(response.body).consumerIdList.sort() : [];
    if (!cidAll.includes(this.clientId)) {
      await this.#heartbeat(); // a broker that has not heard of this client yet (a topic that just appeared)
      return null;
    }
    return allocateMessageQueueAveragely(mqAll, cidAll, this.clientId);
  }

  /** Drops the topic's queues no longer assigned (their offsets committed first) and starts the new ones; false if one could not start. */
  async #apply(topic: string, assigned: readonly MessageQueue[]): Promise<boolean> {
    const wanted = new Map(assigned.map((q) => [queueKey(q), q]));
    for (const [key, pq] of this.#queues) {
      if (pq.queue.topic !== topic || wanted.has(key)) continue;
      this.#queues.delete(key);
      pq.abort.abort();
      await this.#commit(pq).catch((error: unknown) => this.#warn(`committing the offset of ${key} failed`, error));
    }
    let complete = true;
    for (const [key, queue] of wanted) {
      if (this.#queues.has(key) || this.#state !== "running") continue;
      try {
        const start = await this.#startOffset(queue);
        if (this.#state !== "running") break;
        const pq = new ProcessQueue(queue, start);
        this.#queues.set(key, pq);
        const loop = this.#pullLoop(pq).finally(() => this.#loops.delete(loop));
        this.#loops.add(loop);
      } catch (error) {
        complete = false;
        this.#warn(`reading the start offset of ${key} failed`, error);
      }
    }
    return complete;
  }

  /** Java's computePullFromWhere: the committed offset, else where fromWhere says. */
  async #startOffset(queue: MessageQueue): Promise<number> {
    const o = this.#options;
    const client = this.#client!;
    const addr = this.#masterOf(queue.brokerName);
    const committed = await readCommittedOffset(client, addr, o.group, queue, o.clientApiTimeoutMs);
    if (committed >= 0) return committed;
    const retry = queue.topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX);
    if (o.fromWhere === "first") return 0;
    if (o.fromWhere === "last") return retry ? 0 : maxOffsetOf(client, addr, queue, o.clientApiTimeoutMs);
    if (retry) return maxOffsetOf(client, addr, queue, o.clientApiTimeoutMs);
    const { timestamp } = o.fromWhere;
    return offsetByTimestamp(client, addr, queue, timestamp instanceof Date ? timestamp.getTime() : timestamp, o.clientApiTimeoutMs);
  }

  /** Pulls one queue until it is dropped: long polls, each answer's messages handed over, the next offset as the broker says (Java's pullMessage callbacks). */
  async #pullLoop(pq: ProcessQueue): Promise<void> {
    const o = this.#options;
    const { topic, queueId, brokerName } = pq.queue;
    const subscription = this.#subscriptions.get(topic)!;
    while (!pq.dropped) {
      if (pq.buffered >= o.maxBufferedPerQueue) {
        await pq.space(); // flow control: wait until messages of this queue are done
        continue;
      }
      const committed = pq.committed;
      let pull: PullResponse;
      try {
        const addr = this.#masterOf(brokerName);
        const header = {
          consumerGroup: o.group,
          topic,
          queueId,
          queueOffset: pq.nextOffset,
          maxMsgNums: o.pullBatchSize,
          sysFlag: buildPullSysFlag({ commitOffset: committed > 0, suspend: true, subscription: true }),
          commitOffset: committed > 0 ? committed : 0,
          suspendTimeoutMillis: o.suspendTimeoutMs,
          subscription: subscription.subString,
          subVersion: subscription.subVersion,
          expressionType: ExpressionType.TAG,
          bname: brokerName,
        };
        const request = createPullMessageRequest(header, { version: RemotingVersion.V4_9_8, serializeType: o.serializeType });
        pull = processPullResponse(await this.#client!.invokeSync(addr, request, { timeoutMs: o.pullTimeoutMs, signal: pq.abort.signal }), addr);
      } catch (error) {
        if (pq.dropped) return;
        this.#warn(`pulling ${queueKey(pq.queue)} failed`, error);
        const flowControl = error instanceof MQBrokerError && error.responseCode === ResponseCode.FLOW_CONTROL;
        await delay(flowControl ? 20 : o.pullDelayOnErrorMs, pq.abort.signal);
        continue;
      }
      if (pq.dropped) return;
      if (committed > 0) pq.markSent(committed); // the pull carried it, and the broker stored it
      pq.nextOffset = pull.nextBeginOffset;
      if (pull.pullStatus === PullStatus.FOUND) {
        const messages = this.#decode(pull, subscription, pq);
        pq.pulled(messages.map((m) => m.queueOffset));
        for (const m of messages) this.#handOver(toConsumerMessage(m, brokerName), pq, m.queueOffset);
      } else if (pull.pullStatus === PullStatus.OFFSET_ILLEGAL) {
        this.#warn(`the broker moved ${queueKey(pq.queue)} to offset ${pull.nextBeginOffset} (the offset asked was outside the queue)`);
        if (pq.idle) pq.advance(pull.nextBeginOffset);
      } else if (pq.idle) {
        pq.advance(pull.nextBeginOffset); // nothing in hand: what was scanned counts as done (Java's correctTagsOffset)
      }
    }
  }

  /** A FOUND answer's messages after the client's tag filter; a damaged record is reported and the ones before it kept (Java keeps them silently). */
  #decode(pull: PullResponse, subscription: SubscriptionData, pq: ProcessQueue): MessageExt[] {
    const options = { brokerName: pq.queue.brokerName, decompress: decompressBody };
    try {
      return processPullResult(pull, subscription, options);
    } catch (error) {
      this.#warn(`a record pulled from ${queueKey(pq.queue)} is damaged; the records before it are kept, the rest skipped as Java skips them`, error);
      return processPullResult(pull, subscription, { ...options, onCorruptRecord: "stop" });
    }
  }

  /** Sends the committed offsets that moved (`all`: every one) to their brokers. */
  async #persist(all: boolean): Promise<void> {
    await settleAll([...this.#queues.values()].filter((pq) => pq.committed >= 0 && (all || pq.committedChanged)).map((pq) => this.#commit(pq)));
  }

  async #commit(pq: ProcessQueue): Promise<void> {
    const offset = pq.committed;
    if (offset < 0) return;
    await commitOffset(this.#client!, this.#masterOf(pq.queue.brokerName), this.#options.group, pq.queue, offset, this.#options.clientApiTimeoutMs);
    pq.markSent(offset);
  }

  #warn(what: string, error?: unknown): void {
    const why = error === undefined ? "" : `: ${(error as Error)?.message ?? String(error)}`;
    this.#options.logger.warn(`Consumer ${this.clientId} (${this.#options.group}): ${what}${why}`);
  }
}

function queueKey(q: MessageQueue): string {
  return `${q.topic}@${q.brokerName}#${q.queueId}`;
}

/** The same message handed over again after a failed send-back, counted as one more try (as Java counts a local retry). */
function toRetried(message: ConsumerMessage): ConsumerMessage {
  return { ...message, reconsumeTimes: message.reconsumeTimes + 1 };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
