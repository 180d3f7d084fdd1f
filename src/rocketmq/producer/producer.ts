import type { RemotingClient } from "../../core/endpoint/remoting-client.ts";
import { RemotingClient as CoreClient } from "../../core/endpoint/remoting-client.ts";
import { MQClientError, RemotingAbortedError, RemotingLifecycleError, RemotingTimeoutError } from "../../errors.ts";
import { RemotingVersion } from "../../protocol/remoting-command.ts";
import { runtimeTransport } from "../../transport/runtime.ts";
import { clientIdentity, type ClientIdentity } from "../client/client-identity.ts";
import { sendHeartbeats, unregisterClient } from "../client/broker-calls.ts";
import { PeriodicTask } from "../client/periodic-task.ts";
import { TopicRoutes } from "../client/topic-routes.ts";
import { shouldCompressBody } from "../message/compression.ts";
import { prepareMessageBatch } from "../message/message-batch.ts";
import { MessageConst } from "../message/message-const.ts";
import { MessageIdGenerator } from "../message/message-id.ts";
import type { Properties } from "../message/properties.ts";
import { MixAll } from "../message/topics.ts";
import { checkMessage } from "../message/validators.ts";
import { deflateBody } from "../message/zlib-compression.ts";
import type { MessageQueue } from "../message-queue.ts";
import { defaultTopicRoute, requireMasterAddress, selectOneMessageQueue, SendQueueIndex, topicRouteDataToPublishInfo, type TopicPublishInfo } from "../publish-info.ts";
import { buildSendMessageRequestHeader, createSendMessageRequest } from "../send-headers.ts";
import { ClientErrorCode, processSendResponse, sendFailedError, SendStatus, shouldRetrySend, type SendResult } from "../send-result.ts";
import { resolveProducerOptions, type ProducerInit, type ProducerOptions } from "./producer-options.ts";
import { toMessage, type ProducerMessage } from "./producer-message.ts";
import { selectQueueByHash, type QueueSelector } from "./queue-selector.ts";

/** Per-send choices; every field optional. */
export interface SendOptions {
  /** This send's whole budget, every attempt included; default: the producer's sendTimeoutMs. */
  timeoutMs?: number;
  /** Aborting it fails the send at once with ERR_REMOTING_ABORTED (a message already on the wire may still be stored). */
  signal?: AbortSignal;
  /** Send to this queue (one attempt, no retry). */
  queue?: MessageQueue;
  /** Choose the queue (ordered messages): one attempt, no retry, as Java's send(msg, selector, arg). */
  selector?: QueueSelector;
  /** What `selector` gets as its third argument. */
  arg?: unknown;
  /** Messages with one sharding key go to one queue (Java's SelectMessageQueueByHash); one attempt. */
  shardingKey?: string;
}

/** A send the broker stored. */
export interface ProducerSendResult {
  /** SEND_OK, or how the broker stored it short of what was asked (FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE). */
  status: SendStatus;
  /** The message's client id (UNIQ_KEY); a batch: the ids joined by ",". */
  msgId: string;
  /** The broker's id of the stored message (store host + commit-log offset); a batch: comma-separated. */
  offsetMsgId: string;
  /** The queue written. */
  queue: MessageQueue;
  /** The message's (a batch: the first message's) position in its queue. */
  queueOffset: number;
  /** The broker's region (MSG_REGION), "DefaultRegion" when it names none. */
  regionId: string;
  /** False when the broker asks clients not to trace (TRACE_ON=false). */
  traceOn: boolean;
}

/** A message or batch ready to send: what every attempt sends. */
interface PreparedSend {
  topic: string;
  properties: Properties;
  body: Uint8Array;
  compressed: boolean;
  flag: number;
  batch: boolean;
  uniqueIds: string | readonly string[];
  /** What a selector is shown. */
  original: ProducerMessage | readonly ProducerMessage[];
}

type State = "new" | "starting" | "running" | "stopping" | "stopped";

/**
 * Sends messages to RocketMQ brokers as Java 4.9.8's DefaultMQProducer does: routes from the name
 * servers (refreshed every pollNameServerIntervalMs and after a failed attempt), topics the name
 * servers do not know sent on TBW102's route for brokers to auto-create, round robin over the
 * writable queues, a failed attempt retried on another broker, bodies over 4 KiB compressed,
 * heartbeats to the brokers, and an unregistration on shutdown.
 */
export class Producer {
  readonly #options: ProducerOptions;
  readonly #identity: ClientIdentity;
  readonly #ids: MessageIdGenerator;
  readonly #queueIndex = new SendQueueIndex();
  readonly #publishInfo = new Map<string, TopicPublishInfo>();
  /** Brokers that had a heartbeat: a new one gets its first at once. */
  readonly #heartbeated = new Set<string>();
  /** Sends started and not settled; each drops its count in its own finally. */
  #inFlight = 0;
  /** Resolves shutdown's wait once #inFlight is back at 0. */
  #idle: (() => void) | null = null;
  #state: State = "new";
  #client: RemotingClient | null = null;
  #routes: TopicRoutes | null = null;
  #tasks: PeriodicTask[] = [];
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;

  /** Checks every option (a TypeError naming a bad one, an MQClientError for a group Java refuses); nothing is opened before start(). */
  constructor(options: ProducerInit) {
    this.#options = resolveProducerOptions(options);
    this.#identity = clientIdentity({ clientIp: this.#options.clientIp, instanceName: this.#options.instanceName });
    this.#ids = new MessageIdGenerator({ ip: this.#identity.ip, pid: this.#identity.pid, processHash: (Math.random() * 0x80000000) | 0 });
  }

  /** "ip@instanceName": how brokers know this producer. */
  get clientId(): string {
    return this.#identity.clientId;
  }

  /** The options in force (defaults filled in). */
  get options(): Readonly<ProducerOptions> {
    return this.#options;
  }

  /** Opens the client and starts the route refresh and heartbeats. Idempotent; like Java's, it does not wait for a name server. */
  start(): Promise<void> {
    if (this.#state === "stopping" || this.#state === "stopped") return Promise.reject(new RemotingLifecycleError("Producer: start() after shutdown()"));
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#state = "starting";
    const o = this.#options;
    const transport = o.transport ?? (await runtimeTransport());
    const client = new CoreClient({ transport, logger: o.logger });
    client.updateNameServerAddressList(o.nameServers);
    await client.start();
    this.#client = client;
    this.#routes = new TopicRoutes(client, { timeoutMs: o.clientApiTimeoutMs, version: RemotingVersion.V4_9_8 });
    const report = (what: string) => (error: unknown) => this.#warnFailed(what, error);
    this.#tasks = [new PeriodicTask(o.pollNameServerIntervalMs, () => this.#refreshRoutes(), report("route refresh")), new PeriodicTask(o.heartbeatBrokerIntervalMs, () => this.#heartbeat(false), report("heartbeat"))];
    for (const task of this.#tasks) task.start();
    if (this.#state === "starting") this.#state = "running";
  }

  /**
   * Sends one message and resolves once the broker stored it. Failed attempts are retried on
   * another broker (retryTimesWhenSendFailed) within the send's budget, unless a queue, selector or
   * sharding key fixes the queue. Rejects with a TypeError or MQClientError for a bad message, an
   * MQBrokerError for a broker's refusal that Java does not retry, or an MQClientError after the
   * last attempt (its cause: the last failure).
   */
  send(message: ProducerMessage, options?: SendOptions): Promise<ProducerSendResult> {
    return this.#track(() => this.#sendReliably(this.#prepareOne(message), sendOptions(options)));
  }

  /**
   * Sends several messages of one topic in one request (SEND_BATCH_MESSAGE): stored together in one
   * queue at consecutive offsets. Batch rules as Java's: one topic, no delay, no retry topic, one
   * waitStoreMsgOK, never compressed.
   */
  sendBatch(messages: readonly ProducerMessage[], options?: SendOptions): Promise<ProducerSendResult> {
    return this.#track(() => this.#sendReliably(this.#prepareBatch(messages), sendOptions(options)));
  }

  /** Sends a message without waiting for the broker (one attempt, no answer): resolves once the request is queued on its connection. */
  sendOneway(message: ProducerMessage, options?: SendOptions): Promise<void> {
    return this.#track(async () => {
      this.#inFlight++;
      try {
        const prepared = this.#prepareOne(message);
        const opts = sendOptions(options);
        const info = this.#publishInfo.get(prepared.topic) ?? (await this.#publishInfoOf(prepared.topic));
        const queue = this.#fixedQueue(info, prepared, opts) ?? selectOneMessageQueue(info.messageQueueList, this.#queueIndex);
        const addr = requireMasterAddress([info.route], queue.brokerName);
        await this.#client!.invokeOneway(addr, this.#request(prepared, queue), { timeoutMs: opts.timeoutMs ?? this.#options.sendTimeoutMs, signal: opts.signal });
      } finally {
        this.#settled();
      }
    });
  }

  /** Waits for the sends in progress, unregisters from the brokers and closes the client. Idempotent; always settles. */
  shutdown(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /** shutdown(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  async #shutdown(): Promise<void> {
    const wasStarted = this.#starting;
    this.#state = "stopping";
    await wasStarted?.catch(() => undefined);
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await Promise.all(this.#tasks.map((t) => t.stop()));
    const client = this.#client;
    if (client !== null) {
      await this.#unregister(client);
      await client.shutdown();
    }
    this.#state = "stopped";
  }

  /** Runs a send (which counts itself in #inFlight, so that shutdown() waits for it); refuses when not running. */
  #track<T>(run: () => Promise<T>): Promise<T> {
    if (this.#state !== "running") {
      const why = this.#state === "new" || this.#state === "starting" ? "call start() and wait for it first" : "the producer is shut down";
      return Promise.reject(new RemotingLifecycleError(`Producer: cannot send, ${why}`));
    }
    try {
      return run();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A send settled: the last one lets a waiting shutdown go on. */
  #settled(): void {
    if (--this.#inFlight === 0 && this.#idle !== null) {
      this.#idle();
      this.#idle = null;
    }
  }

  #prepareOne(input: ProducerMessage): PreparedSend {
    const message = toMessage(input, "message");
    const o = this.#options;
    const properties = checkMessage(message, { maxMessageSize: o.maxMessageSize });
    const uniqueId = this.#ids.next();
    properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = uniqueId;
    const compressed = shouldCompressBody(message.body.length, { threshold: o.compressBodyOverBytes });
    const body = compressed ? deflateBody(message.body, o.compressLevel) : message.body;
    return { topic: message.topic, properties, body, compressed, flag: message.flag ?? 0, batch: false, uniqueIds: uniqueId, original: input };
  }

  #prepareBatch(inputs: readonly ProducerMessage[]): PreparedSend {
    if (!Array.isArray(inputs)) throw new TypeError("sendBatch: expected an array of messages");
    const messages = inputs.map((m, i) => toMessage(m, `messages[${i}]`));
    const batch = prepareMessageBatch(messages, { nextId: () => this.#ids.next(), maxMessageSize: this.#options.maxMessageSize });
    return { topic: batch.topic, properties: batch.properties, body: batch.body, compressed: false, flag: 0, batch: true, uniqueIds: batch.uniqueIds, original: inputs };
  }

  /** Java's sendDefaultImpl for SYNC sends: attempts on rotating queues, avoiding the broker that just failed. */
  async #sendReliably(prepared: PreparedSend, opts: SendOptions): Promise<ProducerSendResult> {
    this.#inFlight++;
    try {
      const o = this.#options;
      const started = Date.now();
      const budget = opts.timeoutMs ?? o.sendTimeoutMs;
      const info = this.#publishInfo.get(prepared.topic) ?? (await this.#publishInfoOf(prepared.topic));
      const fixed = this.#fixedQueue(info, prepared, opts);
      const attempts = fixed === null ? 1 + o.retryTimesWhenSendFailed : 1;
      const brokersSent: string[] = [];
      let lastBroker: string | null = null;
      let lastError: unknown = null;
      let storedNotOk: ProducerSendResult | null = null;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const queue: MessageQueue = fixed ?? selectOneMessageQueue(info.messageQueueList, this.#queueIndex, lastBroker);
        lastBroker = queue.brokerName;
        const remaining = budget - (Date.now() - started);
        if (remaining <= 0) {
          lastError ??= new RemotingTimeoutError(queue.brokerName, budget, { message: `send to topic ${prepared.topic} timed out: its budget of ${budget} ms ran out before attempt ${attempt + 1}` });
          break;
        }
        brokersSent.push(queue.brokerName);
        try {
          const addr = requireMasterAddress([info.route], queue.brokerName);
          const response = await this.#client!.invokeSync(addr, this.#request(prepared, queue), { timeoutMs: remaining, signal: opts.signal });
          const result = toResult(processSendResponse(response, { topic: prepared.topic, brokerName: queue.brokerName, brokerAddr: addr, uniqueIds: prepared.uniqueIds }));
          if (result.status === SendStatus.SEND_OK || !o.retryAnotherBrokerWhenNotStoreOK) return result;
          storedNotOk = result;
        } catch (error) {
          lastError = error;
          if (!shouldRetrySend(error, "sync")) {
            if (storedNotOk !== null) return storedNotOk;
            throw error;
          }
          void this.#refreshRoute(prepared.topic); // the route may have changed under us
        }
      }
      if (storedNotOk !== null) return storedNotOk;
      throw sendFailedError({ times: brokersSent.length, costMs: Date.now() - started, topic: prepared.topic, brokersSent, lastError });
    } finally {
      this.#settled();
    }
  }

  /** The queue a send's options fix, or null for the rotating choice. */
  #fixedQueue(info: TopicPublishInfo, prepared: PreparedSend, opts: SendOptions): MessageQueue | null {
    const queues = info.messageQueueList;
    if (opts.queue !== undefined) {
      if (opts.queue.topic !== prepared.topic) throw new MQClientError(`message's topic ${prepared.topic} is not the queue's topic ${opts.queue.topic}`);
      return opts.queue;
    }
    if (opts.shardingKey !== undefined) return selectQueueByHash(queues, opts.shardingKey);
    if (opts.selector === undefined) return null;
    const chosen: unknown = opts.selector(queues, prepared.original, opts.arg);
    if (!queues.includes(chosen as MessageQueue)) throw new TypeError(`send: the selector must return one of the queues it was given, got ${JSON.stringify(chosen)}`);
    return chosen as MessageQueue;
  }

  #request(prepared: PreparedSend, queue: MessageQueue) {
    const o = this.#options;
    const header = buildSendMessageRequestHeader({
      producerGroup: o.group,
      topic: prepared.topic,
      queueId: queue.queueId,
      brokerName: queue.brokerName,
      properties: prepared.properties,
      flag: prepared.flag,
      compressed: prepared.compressed,
      batch: prepared.batch,
      defaultTopic: o.createTopicKey,
      defaultTopicQueueNums: o.defaultTopicQueueNums,
    });
    return createSendMessageRequest(header, prepared.body, { serializeType: o.serializeType, version: RemotingVersion.V4_9_8 });
  }

  /**
   * Where a topic's messages may go (Java's tryToFindTopicPublishInfo): its route, or, while the
   * name servers do not know it, createTopicKey's route with defaultTopicQueueNums queues, for the
   * broker to create the topic on first send. An MQClientError (10005) when neither exists.
   */
  async #publishInfoOf(topic: string): Promise<TopicPublishInfo> {
    const known = this.#publishInfo.get(topic);
    if (known !== undefined) return known;
    const o = this.#options;
    const route = await this.#routes!.refresh(topic);
    let info = route === null ? null : topicRouteDataToPublishInfo(topic, route);
    if (info === null || info.messageQueueList.length === 0) {
      const fallback = await this.#routes!.refresh(o.createTopicKey);
      info = fallback === null ? null : topicRouteDataToPublishInfo(topic, defaultTopicRoute(fallback, o.defaultTopicQueueNums));
    }
    if (info === null || info.messageQueueList.length === 0) {
      throw new MQClientError(`No route info of this topic: ${topic}`, { responseCode: ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION });
    }
    this.#publishInfo.set(topic, info);
    // A broker that cannot be reached fails only its heartbeat, as the periodic one does: logged.
    this.#heartbeat(true).catch((error: unknown) => this.#warnFailed("heartbeat", error));
    return info;
  }

  #warnFailed(what: string, error: unknown): void {
    this.#options.logger.warn(`Producer ${this.clientId}: ${what} failed: ${(error as Error)?.message ?? error}`);
  }

  /** Asks the topic's route again; keeps the one in use while the name servers do not know the topic. */
  async #refreshRoute(topic: string): Promise<void> {
    const route = await this.#routes!.refresh(topic).catch(() => null);
    if (route === null) return;
    const info = topicRouteDataToPublishInfo(topic, route);
    if (info.messageQueueList.length > 0) this.#publishInfo.set(topic, info);
  }

  async #refreshRoutes(): Promise<void> {
    await Promise.all([...this.#publishInfo.keys()].map((topic) => this.#refreshRoute(topic)));
    await this.#routes!.refresh(this.#options.createTopicKey).catch(() => null);
  }

  /** HEART_BEAT to every broker master the routes name (`onlyNew`: to those that never had one). */
  async #heartbeat(onlyNew: boolean): Promise<void> {
    const client = this.#client;
    if (client === null) return;
    const data = {
      clientID: this.clientId,
      producerDataSet: [{ groupName: this.#options.group }, { groupName: MixAll.CLIENT_INNER_PRODUCER_GROUP }],
      consumerDataSet: [],
    };
    const targets = [...this.#routes!.masterAddresses().values()].filter((addr) => !onlyNew || !this.#heartbeated.has(addr));
    for (const addr of targets) this.#heartbeated.add(addr);
    await sendHeartbeats(client, targets, data, this.#options.clientApiTimeoutMs);
  }

  /** UNREGISTER_CLIENT to every broker that had a heartbeat, for both groups, as Java's shutdown does; failures only logged. */
  async #unregister(client: RemotingClient): Promise<void> {
    const headers = [this.#options.group, MixAll.CLIENT_INNER_PRODUCER_GROUP].map((producerGroup) => ({ clientID: this.clientId, producerGroup }));
    await unregisterClient(client, this.#heartbeated, headers, this.#options.clientApiTimeoutMs, (error) =>
      this.#options.logger.warn(`Producer ${this.clientId}: unregistering failed: ${(error as Error)?.message ?? error}`),
    );
  }
}

function toResult(r: SendResult): ProducerSendResult {
  return { status: r.sendStatus, msgId: r.msgId, offsetMsgId: r.offsetMsgId, queue: r.messageQueue, queueOffset: r.queueOffset, regionId: r.regionId, traceOn: r.traceOn };
}

const SEND_OPTION_NAMES = new Set(["timeoutMs", "signal", "queue", "selector", "arg", "shardingKey"]);

/** The send options, checked: a TypeError naming a bad or unknown one; an already aborted signal fails at once. */
function sendOptions(options: SendOptions | undefined): SendOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) throw new TypeError("send: options must be an object");
  for (const key of Object.keys(options)) if (!SEND_OPTION_NAMES.has(key)) throw new TypeError(`send: unknown option "${key}"`);
  const { timeoutMs, signal, selector, shardingKey, queue } = options;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new TypeError(`send: option "timeoutMs" must be a positive integer, got ${String(timeoutMs)}`);
  if (selector !== undefined && typeof selector !== "function") throw new TypeError('send: option "selector" must be a function');
  if (shardingKey !== undefined && typeof shardingKey !== "string") throw new TypeError('send: option "shardingKey" must be a string');
  if (queue !== undefined && (typeof queue !== "object" || queue === null || typeof queue.brokerName !== "string" || !Number.isInteger(queue.queueId))) {
    throw new TypeError('send: option "queue" must be a MessageQueue { topic, brokerName, queueId }');
  }
  if (signal?.aborted === true) throw new RemotingAbortedError("send", { cause: signal.reason, message: "send aborted before it started" });
  return options;
}
