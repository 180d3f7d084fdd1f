/**
 * A NameServer-compatible service kept in memory: brokers register with it, clients fetch topic
 * routes and the cluster table from it, answered with the bodies real RocketMQ clients parse, so
 * stock brokers and clients pointed at it (namesrvAddr) work with it.
 *
 * Handled: REGISTER_BROKER, UNREGISTER_BROKER, QUERY_DATA_VERSION (brokers ask it before
 * re-registering), GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO,
 * GET_ALL_TOPIC_LIST_FROM_NAMESERVER; any other code is answered REQUEST_CODE_NOT_SUPPORTED.
 * Simplified against Java's RouteInfoManager: no KV config, no compressed register bodies, no
 * static topics, no acting master; a broker is dropped when its connection closes or when it has
 * not registered again within its heartbeatTimeoutMillis.
 */
import type { RemotingServer } from "../core/endpoint/remoting-server.ts";
import type { ProcessorContext, RemotingChannel } from "../core/inbound/processor.ts";
import { decodeCustomHeader, encodeCustomHeader, type HeaderSchema } from "../protocol/custom-header.ts";
import { RemotingVersion, type RemotingCommand } from "../protocol/remoting-command.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { bodyCrc32 } from "../rocketmq/body-crc32.ts";
import { encodeFastjson, parseFastjson } from "../rocketmq/fastjson.ts";
import { GetRouteInfoRequestHeader, RegisterBrokerRequestHeader, RegisterBrokerResponseHeader, UnregisterBrokerRequestHeader } from "../rocketmq/headers.ts";
import { parseRegisterBrokerBody, type DataVersion } from "../rocketmq/register-broker-body.ts";
import { encodeClusterInfo, encodeTopicList, encodeTopicRouteData, MASTER_ID, type BrokerData, type QueueData } from "../rocketmq/route-data.ts";
import { answer } from "./answer.ts";
import { openLiteServer, type LiteServerOptions } from "./lite-server.ts";

/** Java's default: a broker that has not registered for 2 minutes is gone. */
const DEFAULT_BROKER_TIMEOUT_MS = 120_000;

/** QUERY_DATA_VERSION's headers. */
const QueryDataVersionRequestHeader = { brokerName: "string!", brokerAddr: "string!", clusterName: "string!", brokerId: "long!" } as const satisfies HeaderSchema;
const QueryDataVersionResponseHeader = { changed: "boolean" } as const satisfies HeaderSchema;

interface LiveBroker {
  lastUpdate: number;
  timeoutMs: number;
  haServerAddr: string;
  channel: RemotingChannel;
  /** The version of the topic table it registered last. */
  dataVersion: DataVersion | null;
}

/** What `new NameServerLite(options)` takes: any RemotingServer option (port 9876 by default), and a clock. */
export interface NameServerLiteOptions extends LiteServerOptions {
  /** Wall clock for broker expiry (ms); a test can pass its own. */
  now?: () => number;
}

/** An in-memory name server (Java's NamesrvController and RouteInfoManager). */
export class NameServerLite {
  readonly #options: LiteServerOptions;
  #server: RemotingServer | null = null;
  #starting: Promise<void> | null = null;
  readonly #now: () => number;
  /** Broker name -> its group (master and slaves by id). */
  readonly #brokers = new Map<string, BrokerData>();
  /** Cluster name -> broker names. */
  readonly #clusters = new Map<string, Set<string>>();
  /** Topic -> broker name -> that broker's queues of the topic. */
  readonly #topics = new Map<string, Map<string, QueueData>>();
  /** Broker address -> when it last registered, and over which connection. */
  readonly #live = new Map<string, LiveBroker>();

  /** Keeps the options; nothing is opened before start(). */
  constructor({ now = Date.now, ...options }: NameServerLiteOptions = {}) {
    this.#now = now;
    this.#options = { port: 9876, ...options };
  }

  /** Listens (idempotent). Rejects with a RemotingListenError when the port is taken. */
  start(): Promise<void> {
    this.#starting ??= openLiteServer(this.#options, (s) => {
      s.registerProcessor(RequestCode.REGISTER_BROKER, (ctx, request) => this.#registerBroker(ctx, request));
      s.registerProcessor(RequestCode.UNREGISTER_BROKER, (_ctx, request) => this.#unregisterBroker(request));
      s.registerProcessor(RequestCode.QUERY_DATA_VERSION, (_ctx, request) => this.#queryDataVersion(request));
      s.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (_ctx, request) => this.#routeInfo(request));
      s.registerProcessor(RequestCode.GET_BROKER_CLUSTER_INFO, (_ctx, request) => this.#clusterInfo(request));
      s.registerProcessor(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (_ctx, request) => this.#topicList(request));
      // Java's BrokerHousekeepingService: a broker whose connection closes is gone.
      s.setChannelEventListener({ onChannelClose: (_addr, channel) => this.#dropBrokersOf(channel) });
    }).then((server) => {
      this.#server = server;
    });
    return this.#starting;
  }

  /** The port listened on (the one chosen when port 0 was asked); 0 before start(). */
  get port(): number {
    return this.#server?.port ?? 0;
  }

  /** Stops listening and closes every connection. Idempotent. */
  async shutdown(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    await this.#server?.shutdown();
  }

  /** shutdown(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  // ---- requests -------------------------------------------------------------------------------

  #registerBroker(ctx: ProcessorContext, request: RemotingCommand): RemotingCommand {
    const header = decodeCustomHeader(request.extFields, RegisterBrokerRequestHeader);
    if (header.compressed === true) return answer(request, ResponseCode.SYSTEM_ERROR, "namesrv-lite: compressed RegisterBrokerBody is not supported");
    const body = request.body;
    if (body !== null && header.bodyCrc32 !== undefined && header.bodyCrc32 !== 0 && bodyCrc32(body) !== header.bodyCrc32) {
      return answer(request, ResponseCode.SYSTEM_ERROR, "crc32 not match");
    }
    const wrapper = body === null ? null : parseRegisterBrokerBody(body).topicConfigSerializeWrapper;
    const topicConfigs = wrapper?.topicConfigTable ?? {};
    const { clusterName, brokerName, brokerAddr } = header;
    const brokerId = String(header.brokerId);
    this.#expire();

    let names = this.#clusters.get(clusterName);
    if (names === undefined) this.#clusters.set(clusterName, (names = new Set()));
    names.add(brokerName);
    let group = this.#brokers.get(brokerName);
    if (group === undefined) this.#brokers.set(brokerName, (group = { cluster: clusterName, brokerName, brokerAddrs: {}, enableActingMaster: header.enableActingMaster ?? false }));
    // One record per address: a slave that became master (or the reverse) changes its id.
    for (const [id, addr] of Object.entries(group.brokerAddrs)) if (addr === brokerAddr && id !== brokerId) delete group.brokerAddrs[id];
    group.brokerAddrs[brokerId] = brokerAddr;

    if (brokerId === String(MASTER_ID)) this.#replaceQueues(brokerName, topicConfigs);
    this.#live.set(brokerAddr, {
      lastUpdate: this.#now(),
      timeoutMs: Number(header.heartbeatTimeoutMillis ?? DEFAULT_BROKER_TIMEOUT_MS),
      haServerAddr: header.haServerAddr,
      channel: ctx.channel,
      dataVersion: wrapper?.dataVersion ?? null,
    });

    // A slave learns its master's addresses.
    const masterAddr = brokerId === String(MASTER_ID) ? undefined : group.brokerAddrs[String(MASTER_ID)];
    const master = masterAddr === undefined ? undefined : this.#live.get(masterAddr);
    const responseHeader = master === undefined ? {} : { haServerAddr: master.haServerAddr, masterAddr };
    return answer(request, ResponseCode.SUCCESS, null, { extFields: encodeCustomHeader(responseHeader, RegisterBrokerResponseHeader) });
  }

  #unregisterBroker(request: RemotingCommand): RemotingCommand {
    const { brokerName, brokerAddr, brokerId } = decodeCustomHeader(request.extFields, UnregisterBrokerRequestHeader);
    const group = this.#brokers.get(brokerName);
    if (group !== undefined && group.brokerAddrs[String(brokerId)] === brokerAddr) this.#dropBroker(brokerAddr);
    this.#live.delete(brokerAddr);
    return answer(request, ResponseCode.SUCCESS, null);
  }

  /** A broker asks whether its topic table changed since it registered; it also counts as a sign of life. */
  #queryDataVersion(request: RemotingCommand): RemotingCommand {
    const { brokerAddr } = decodeCustomHeader(request.extFields, QueryDataVersionRequestHeader);
    const theirs = (request.body === null ? null : parseFastjson(request.body)) as DataVersion | null;
    const live = this.#live.get(brokerAddr);
    const mine = live?.dataVersion ?? null;
    const changed = mine === null || theirs === null || mine.timestamp !== theirs.timestamp || mine.counter !== theirs.counter || (mine.stateVersion ?? 0) !== (theirs.stateVersion ?? 0);
    if (live !== undefined) live.lastUpdate = this.#now();
    return answer(request, ResponseCode.SUCCESS, null, {
      extFields: encodeCustomHeader({ changed }, QueryDataVersionResponseHeader),
      ...(mine === null ? {} : { body: encodeFastjson(mine) }),
    });
  }

  #routeInfo(request: RemotingCommand): RemotingCommand {
    const { topic, acceptStandardJsonOnly } = decodeCustomHeader(request.extFields, GetRouteInfoRequestHeader);
    this.#expire();
    const queues = this.#topics.get(topic);
    const brokerDatas = queues === undefined ? [] : [...queues.keys()].flatMap((name) => this.#brokers.get(name) ?? []);
    if (queues === undefined || brokerDatas.length === 0) {
      return answer(request, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}`);
    }
    // Name servers 4.9.4+ quote the broker ids only for clients that can take it (spec 2.5, 2.8).
    const standardJson = request.version >= RemotingVersion.V4_9_4 || acceptStandardJsonOnly === true;
    const route = { queueDatas: [...queues.values()], brokerDatas: structuredClone(brokerDatas), filterServerTable: {} };
    return answer(request, ResponseCode.SUCCESS, null, { body: encodeTopicRouteData(route, { standardJson }) });
  }

  #clusterInfo(request: RemotingCommand): RemotingCommand {
    this.#expire();
    const info = {
      brokerAddrTable: Object.fromEntries(this.#brokers),
      clusterAddrTable: Object.fromEntries([...this.#clusters].map(([cluster, names]) => [cluster, [...names]])),
    };
    return answer(request, ResponseCode.SUCCESS, null, { body: encodeClusterInfo(info) }); // always fastjson's form, as Java
  }

  #topicList(request: RemotingCommand): RemotingCommand {
    this.#expire();
    return answer(request, ResponseCode.SUCCESS, null, { body: encodeTopicList({ topicList: [...this.#topics.keys()] }) });
  }

  // ---- the tables -----------------------------------------------------------------------------

  /** A master's registration carries its whole topic table: it replaces the broker's queues. */
  #replaceQueues(brokerName: string, configs: Record<string, { readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag?: number }>): void {
    this.#removeQueues(brokerName);
    for (const [topic, config] of Object.entries(configs)) {
      let queues = this.#topics.get(topic);
      if (queues === undefined) this.#topics.set(topic, (queues = new Map()));
      queues.set(brokerName, {
        brokerName,
        readQueueNums: config.readQueueNums,
        writeQueueNums: config.writeQueueNums,
        perm: config.perm,
        topicSysFlag: config.topicSysFlag ?? 0,
      });
    }
  }

  #removeQueues(brokerName: string): void {
    for (const [topic, queues] of this.#topics) {
      queues.delete(brokerName);
      if (queues.size === 0) this.#topics.delete(topic);
    }
  }

  /** Forgets one broker address; a group left empty goes, with its queues and cluster entry. */
  #dropBroker(brokerAddr: string): void {
    this.#live.delete(brokerAddr);
    for (const [name, group] of this.#brokers) {
      for (const [id, addr] of Object.entries(group.brokerAddrs)) if (addr === brokerAddr) delete group.brokerAddrs[id];
      if (Object.keys(group.brokerAddrs).length > 0) continue;
      this.#brokers.delete(name);
      this.#removeQueues(name);
      const names = this.#clusters.get(group.cluster);
      names?.delete(name);
      if (names?.size === 0) this.#clusters.delete(group.cluster);
    }
  }

  #dropBrokersOf(channel: RemotingChannel): void {
    for (const [addr, broker] of this.#live) if (broker.channel === channel) this.#dropBroker(addr);
  }

  /** Brokers that stopped registering are gone (checked on every request instead of by a timer). */
  #expire(): void {
    const now = this.#now();
    for (const [addr, broker] of this.#live) if (now - broker.lastUpdate > broker.timeoutMs) this.#dropBroker(addr);
  }
}
