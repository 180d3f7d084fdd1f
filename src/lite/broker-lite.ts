import { RemotingClient } from "../core/endpoint/remoting-client.ts";
import type { RemotingServer } from "../core/endpoint/remoting-server.ts";
import { defaultLogger, type Logger } from "../core/observability/logger.ts";
import { RemotingVersion } from "../protocol/remoting-command.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { runtimeTransport } from "../transport/runtime.ts";
import { PeriodicTask } from "../rocketmq/client/periodic-task.ts";
import { NotifyConsumerIdsChangedRequestHeader } from "../rocketmq/consumer-headers.ts";
import { parseDelayLevels } from "../rocketmq/delay-levels.ts";
import { createHeaderRequest } from "../rocketmq/numeric-header.ts";
import { readAddress, type IpAndPort } from "../rocketmq/message/ip-address.ts";
import { decodeMessageExts } from "../rocketmq/message/message-ext-codec.ts";
import type { MessageExt } from "../rocketmq/message/message.ts";
import { TopicValidator } from "../rocketmq/message/topics.ts";
import { decompressBody } from "../rocketmq/message/zlib-compression.ts";
import { createRegisterBrokerRequest, createUnregisterBrokerRequest } from "../rocketmq/requests.ts";
import { answerOrRefuse } from "./answer.ts";
import { ClientManager } from "./client-manager.ts";
import { ConsumerGroups } from "./consumer-groups.ts";
import { ConsumerOffsets } from "./consumer-offsets.ts";
import { MessageWriter } from "./message-writer.ts";
import { OFFSET_REQUEST_CODES, offsetProcessor, type OffsetContext } from "./offset-processors.ts";
import { PullService } from "./pull-service.ts";
import { lockBatchMQ, QueueLocks, unlockBatchMQ } from "./queue-locks.ts";
import { sendBack, type SendBackContext } from "./send-back.ts";
import { openLiteServer, type LiteServerOptions } from "./lite-server.ts";
import { MessageStore } from "./message-store.ts";
import { storeSend, type SendStoreContext } from "./send-processor.ts";
import { updateAndCreateTopic } from "./topic-admin.ts";
import { viewMessageById } from "./view-message.ts";
import { queryMessage } from "./query-message.ts";
import { TopicTable } from "./topic-table.ts";

/** What `new BrokerLite(options)` takes: the broker's own options, and any RemotingServer option (port 10911 by default). */
export interface BrokerLiteOptions extends LiteServerOptions {
  /** Name servers to register with ("host:port"), at start, every registerIntervalMs and when a topic is created; none by default. */
  nameServers?: readonly string[];
  /** Default "broker-a". */
  brokerName?: string;
  /** Default "DefaultCluster". */
  clusterName?: string;
  /**
   * The address clients are told to reach this broker at (routes, store host, offset ids); default:
   * the `host` option, or 127.0.0.1 when it listens on every address.
   */
  advertisedHost?: string;
  /** Messages kept over all queues; the oldest beyond it are dropped (default 1 000 000). */
  maxMessages?: number;
  /** Record bytes kept over all queues; the oldest beyond it are dropped (default 256 MiB). */
  maxBytes?: number;
  /** Whether TBW102 exists, so that producers' sends create topics (Java's autoCreateTopicEnable); default true. */
  autoCreateTopicEnable?: boolean;
  /** Queues of TBW102 (Java's broker defaultTopicQueueNums); default 8. A created topic gets min(its sender's ask, this). */
  defaultTopicQueueNums?: number;
  /** Period of the registration with the name servers (Java: 30 s). */
  registerIntervalMs?: number;
  /** The delay levels (Java's messageDelayLevel): default "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h". */
  messageDelayLevel?: string;
  /** Every delay level's time is multiplied by this (tests: 0.001 makes a retry's 10 s take 10 ms); default 1. */
  delayScale?: number;
  /** Wall clock (ms) for store times and data versions. */
  now?: () => number;
}

/** What a BrokerLite holds. */
export interface BrokerLiteStats {
  /** Messages kept over all queues. */
  messages: number;
  /** Bytes of their stored records. */
  bytes: number;
  /** Pulls held (long polling) until a message arrives or their suspend time passes. */
  heldPulls: number;
  /** Messages waiting for their delay level in SCHEDULE_TOPIC_XXXX. */
  delayedMessages: number;
}

/** Java's BrokerConfig and MessageStoreConfig defaults, in-memory bounds of this one. */
const BROKER_DEFAULTS = {
  brokerName: "broker-a",
  clusterName: "DefaultCluster",
  maxMessages: 1_000_000,
  maxBytes: 256 * 1024 * 1024,
  autoCreateTopicEnable: true,
  defaultTopicQueueNums: 8,
  registerIntervalMs: 30_000,
} as const;

/** How often held pulls are checked for their suspend time (Java: 5 s; this one answers them closer to it). */
const HOUSEKEEPING_INTERVAL_MS = 500;
/** How often silent clients are looked for (Java: 10 s). */
const IDLE_SCAN_INTERVAL_MS = 10_000;

/** How long a name server keeps this broker without a new registration (Java's default). */
const REGISTRATION_TIMEOUT_MS = 120_000;
/** Budget of a NOTIFY_CONSUMER_IDS_CHANGED to a client. */
const NOTIFY_TIMEOUT_MS = 3_000;

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw new TypeError(`BrokerLite: option "${name}" must be a positive integer, got ${String(value)}`);
  return value;
}

/**
 * An in-memory RocketMQ broker for development and tests: registers with name servers, creates
 * topics from TBW102 on first send, stores what producers send (SEND_MESSAGE, SEND_MESSAGE_V2,
 * SEND_BATCH_MESSAGE) per queue with bounded retention, and answers as a 4.9.8 broker does.
 */
export class BrokerLite {
  readonly #serverOptions: LiteServerOptions;
  readonly #nameServers: readonly string[];
  readonly #brokerName: string;
  readonly #clusterName: string;
  readonly #advertisedHost: string;
  /** `address` as last made, and for which port: one string while the port stays (every stored message names it). */
  #addressText = "";
  #addressPort = -1;
  /** `address` as records and message ids hold it, once listening (a send reads it twice). */
  #storeHost: Readonly<IpAndPort> | null = null;
  readonly #registerIntervalMs: number;
  readonly #now: () => number;
  readonly #locks: QueueLocks;
  readonly #logger: Logger;
  readonly #topics: TopicTable;
  readonly #store: MessageStore;
  readonly #writer: MessageWriter;
  readonly #groups = new ConsumerGroups();
  readonly #offsets = new ConsumerOffsets();
  readonly #pulls: PullService;
  readonly #clients: ClientManager;
  #server: RemotingServer | null = null;
  #housekeeping: PeriodicTask | null = null;
  #lastIdleScan = 0;
  #client: RemotingClient | null = null;
  #registration: PeriodicTask | null = null;
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;

  /** Checks the options (a TypeError naming a bad one); nothing is opened before start(). */
  constructor(options: BrokerLiteOptions = {}) {
    const { nameServers = [], brokerName, clusterName, advertisedHost, maxMessages, maxBytes, autoCreateTopicEnable, defaultTopicQueueNums, registerIntervalMs, messageDelayLevel, delayScale = 1, now, ...server } = options;
    if (!Array.isArray(nameServers) || !nameServers.every((a) => typeof a === "string" && a.length > 0)) throw new TypeError('BrokerLite: option "nameServers" must be an array of "host:port" strings');
    this.#nameServers = nameServers;
    this.#brokerName = brokerName ?? BROKER_DEFAULTS.brokerName;
    this.#clusterName = clusterName ?? BROKER_DEFAULTS.clusterName;
    const host = server.host;
    this.#advertisedHost = advertisedHost ?? (host === undefined || host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host);
    this.#registerIntervalMs = positiveInteger("registerIntervalMs", registerIntervalMs ?? BROKER_DEFAULTS.registerIntervalMs);
    this.#now = now ?? Date.now;
    this.#locks = new QueueLocks(this.#now);
    this.#logger = server.logger ?? defaultLogger;
    this.#serverOptions = { port: 10911, ...server };
    this.#topics = new TopicTable({
      autoCreateTopicKey: (autoCreateTopicEnable ?? BROKER_DEFAULTS.autoCreateTopicEnable) ? TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC : null,
      autoCreateQueueNums: positiveInteger("defaultTopicQueueNums", defaultTopicQueueNums ?? BROKER_DEFAULTS.defaultTopicQueueNums),
      now: this.#now,
    });
    this.#store = new MessageStore({
      maxMessages: positiveInteger("maxMessages", maxMessages ?? BROKER_DEFAULTS.maxMessages),
      maxBytes: positiveInteger("maxBytes", maxBytes ?? BROKER_DEFAULTS.maxBytes),
    });
    if (typeof delayScale !== "number" || !(delayScale >= 0) || !Number.isFinite(delayScale)) throw new TypeError(`BrokerLite: option "delayScale" must be a finite number >= 0, got ${String(delayScale)}`);
    this.#writer = new MessageWriter({
      store: this.#store,
      storeHost: () => this.#storeHostAddress(),
      now: this.#now,
      delaysMs: parseDelayLevels(messageDelayLevel).map((ms) => ms * delayScale),
      onStored: (topic, queueId) => this.#pulls.onStored(topic, queueId),
      onError: (error) => this.#logger.error(`BrokerLite ${this.#brokerName}: a delayed message could not be delivered: ${(error as Error)?.message ?? error}`),
    });
    this.#pulls = new PullService({ topics: this.#topics, store: this.#store, groups: this.#groups, offsets: this.#offsets, now: this.#now });
    this.#clients = new ClientManager({
      groups: this.#groups,
      topics: this.#topics,
      now: this.#now,
      onTopicCreated: () => this.#registerSoon(),
      notify: (channel, consumerGroup) => {
        const request = createHeaderRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, NotifyConsumerIdsChangedRequestHeader, { consumerGroup }, { version: RemotingVersion.V4_9_8 });
        this.#server?.invokeOneway(channel, request, NOTIFY_TIMEOUT_MS).catch((error: unknown) => this.#logger.info(`BrokerLite ${this.#brokerName}: notifying ${channel.remoteAddress} failed: ${(error as Error)?.message ?? error}`));
      },
    });
  }

  /** The port listened on (the one chosen when port 0 was asked); 0 before start(). */
  get port(): number {
    return this.#server?.port ?? 0;
  }

  #storeHostAddress(): Readonly<IpAndPort> {
    return this.#storeHost ?? readAddress(this.address);
  }

  /** "host:port" as clients are told to reach this broker. */
  get address(): string {
    const port = this.port;
    if (port !== this.#addressPort) {
      this.#addressPort = port;
      this.#addressText = `${this.#advertisedHost}:${port}`;
    }
    return this.#addressText;
  }

  /** The broker's name in routes. */
  get brokerName(): string {
    return this.#brokerName;
  }

  /** Messages kept, and their record bytes. */
  get stats(): BrokerLiteStats {
    return { messages: this.#store.messageCount, bytes: this.#store.byteCount, heldPulls: this.#pulls.held, delayedMessages: this.#writer.delayed };
  }

  /** The offset `group` committed for a queue, if any. */
  committedOffset(group: string, topic: string, queueId: number): number | undefined {
    return this.#offsets.query(group, topic, queueId);
  }

  /** The client ids of a consumer group's live clients. */
  consumers(group: string): string[] {
    return this.#groups.clientIds(group);
  }

  /** The offset the next message of a queue will get (Java's max offset). */
  maxOffset(topic: string, queueId: number): number {
    return this.#store.maxOffset(topic, queueId);
  }

  /**
   * The messages kept in a queue from `offset` on (at most `maxCount`), decoded as a consumer gets
   * them (compressed bodies inflated): what a test or a developer checks a producer sent. A record
   * a consumer could not decode either (a body that does not inflate, an unknown compression type:
   * the broker stores what it is sent, as Java's does) is a RemotingCommandError naming it.
   */
  read(topic: string, queueId: number, offset = 0, maxCount = 32): MessageExt[] {
    const records = this.#store.read(topic, queueId, offset, maxCount).map((m) => m.record);
    return records.flatMap((record) => decodeMessageExts(record, { decompress: decompressBody, brokerName: this.#brokerName }));
  }

  /**
   * Creates a topic with `queueNums` read and write queues (Java's updateTopic in the admin tools),
   * unless it exists, and tells the name servers.
   */
  async createTopic(topic: string, queueNums = 4): Promise<void> {
    this.#topics.ensure(topic, positiveInteger("queueNums", queueNums));
    await this.#register();
  }

  /** Listens, then registers with the name servers (a failed registration is logged, and retried every registerIntervalMs). Idempotent. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const onTopicCreated = (): void => this.#registerSoon();
    const send: SendStoreContext = { topics: this.#topics, writer: this.#writer, storeHost: () => this.#storeHostAddress(), clusterName: this.#clusterName, onTopicCreated };
    const offsets: OffsetContext = { store: this.#store, offsets: this.#offsets };
    const back: SendBackContext = { topics: this.#topics, writer: this.#writer, onTopicCreated };
    const clients = this.#clients;
    this.#server = await openLiteServer(this.#serverOptions, (s) => {
      for (const code of [RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE]) {
        s.registerProcessor(code, (ctx, request) => storeSend(ctx, request, send));
      }
      s.registerProcessor(RequestCode.PULL_MESSAGE, (ctx, request) => this.#pulls.process(ctx, request));
      for (const code of OFFSET_REQUEST_CODES) s.registerProcessor(code, (_ctx, request) => answerOrRefuse(request, () => offsetProcessor(request, offsets)));
      s.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, (_ctx, request) => answerOrRefuse(request, () => sendBack(request, back)));
      s.registerProcessor(RequestCode.HEART_BEAT, (ctx, request) => answerOrRefuse(request, () => clients.heartbeat(ctx, request)));
      s.registerProcessor(RequestCode.UNREGISTER_CLIENT, (_ctx, request) => answerOrRefuse(request, () => clients.unregister(request)));
      s.registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (_ctx, request) => answerOrRefuse(request, () => clients.consumerList(request)));
      s.registerProcessor(RequestCode.CHECK_CLIENT_CONFIG, (_ctx, request) => answerOrRefuse(request, () => clients.checkClientConfig(request)));
      s.registerProcessor(RequestCode.LOCK_BATCH_MQ, (_ctx, request) => answerOrRefuse(request, () => lockBatchMQ(request, this.#locks)));
      s.registerProcessor(RequestCode.UNLOCK_BATCH_MQ, (_ctx, request) => answerOrRefuse(request, () => unlockBatchMQ(request, this.#locks)));
      s.registerProcessor(RequestCode.QUERY_MESSAGE, (_ctx, request) => answerOrRefuse(request, () => queryMessage(request, this.#store)));
      s.registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, (_ctx, request) => answerOrRefuse(request, () => viewMessageById(request, this.#store)));
      s.registerProcessor(RequestCode.UPDATE_AND_CREATE_TOPIC, (_ctx, request) => answerOrRefuse(request, () => updateAndCreateTopic(request, { topics: this.#topics, onTopicsChanged: () => this.#registerSoon() })));
      s.setChannelEventListener({ onChannelClose: (_addr, channel) => clients.channelClosed(channel) });
    });
    this.#storeHost = readAddress(this.address);
    this.#housekeeping = new PeriodicTask(HOUSEKEEPING_INTERVAL_MS, async () => this.#houseKeep(), (error) => this.#logger.error(`BrokerLite ${this.#brokerName}: housekeeping failed: ${(error as Error)?.message ?? error}`));
    this.#housekeeping.start();
    if (this.#nameServers.length === 0) return;
    this.#client = new RemotingClient({ transport: this.#serverOptions.transport ?? (await runtimeTransport()), logger: this.#logger });
    this.#registration = new PeriodicTask(this.#registerIntervalMs, () => this.#register(), (error) => this.#logger.warn(`BrokerLite ${this.#brokerName}: registration failed: ${(error as Error)?.message ?? error}`));
    this.#registration.start();
    await this.#registration.runNow();
  }

  /** Answers the held pulls whose suspend time passed; now and then, forgets silent clients. */
  #houseKeep(): void {
    this.#pulls.sweep();
    const now = this.#now();
    if (now - this.#lastIdleScan >= IDLE_SCAN_INTERVAL_MS) {
      this.#lastIdleScan = now;
      this.#clients.evictIdle();
    }
  }

  /** The topic table changed: the name servers are told now; a failure is logged, and the periodic registration tries again. */
  #registerSoon(): void {
    this.#register().catch((error: unknown) => this.#logger.warn(`BrokerLite ${this.#brokerName}: registration after a topic change failed: ${(error as Error)?.message ?? error}`));
  }

  /** REGISTER_BROKER with the whole topic table to every name server; rejects if any refused or failed. */
  async #register(): Promise<void> {
    const client = this.#client;
    if (client === null) return;
    const header = { brokerName: this.#brokerName, brokerAddr: this.address, clusterName: this.#clusterName, haServerAddr: `${this.#advertisedHost}:${this.port + 1}`, brokerId: 0n, heartbeatTimeoutMillis: BigInt(REGISTRATION_TIMEOUT_MS) };
    const body = { topicConfigSerializeWrapper: { topicConfigTable: this.#topics.table(), dataVersion: this.#topics.dataVersion }, filterServerList: [] };
    const results = await Promise.allSettled(this.#nameServers.map((addr) => client.invokeSync(addr, createRegisterBrokerRequest(header, body, { version: RemotingVersion.V4_9_8 }), 3_000)));
    results.forEach((r, i) => {
      if (r.status === "rejected") throw r.reason;
      if (r.value.code !== ResponseCode.SUCCESS) throw new Error(`name server ${this.#nameServers[i]} refused the registration: code ${r.value.code}, ${r.value.remark ?? ""}`);
    });
  }

  /** Unregisters from the name servers, stops listening and closes every connection. Idempotent; always settles. */
  shutdown(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /** shutdown(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  async #shutdown(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    await this.#registration?.stop();
    await this.#housekeeping?.stop();
    this.#writer.close();
    this.#pulls.close();
    const client = this.#client;
    if (client !== null) {
      const header = { brokerName: this.#brokerName, brokerAddr: this.address, clusterName: this.#clusterName, brokerId: 0n };
      await Promise.allSettled(this.#nameServers.map((addr) => client.invokeSync(addr, createUnregisterBrokerRequest(header, { version: RemotingVersion.V4_9_8 }), 3_000)));
      await client.shutdown();
    }
    await this.#server?.shutdown();
  }
}
