/**
 * A small NameServer-compatible service: brokers register with it, clients fetch topic routes and
 * the cluster table from it, all kept in memory. It answers with the bodies real RocketMQ clients
 * parse (spec 2.6, 2.8), so a stock RocketMQ client pointed at it (namesrvAddr) gets its routes.
 *
 *   bun examples/namesrv-lite.ts [port]        (default 9876; PORT in the environment works too)
 *
 * Handled: REGISTER_BROKER, UNREGISTER_BROKER, QUERY_DATA_VERSION (brokers ask it before
 * re-registering), GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO,
 * GET_ALL_TOPIC_LIST_FROM_NAMESERVER; any other code is answered REQUEST_CODE_NOT_SUPPORTED.
 * Simplified against Java's RouteInfoManager: no KV config, no compressed register bodies, no
 * static topics, no acting master; a broker is dropped when its connection closes or when it has
 * not registered again within its heartbeatTimeoutMillis.
 */
import { createResponse, decodeCustomHeader, encodeCustomHeader, RemotingServer, RemotingVersion, RequestCode, ResponseCode, type HeaderSchema, type ProcessorContext, type RemotingChannel, type RemotingCommand, type RemotingServerOptions } from "bun-remoting";
import { bodyCrc32, encodeClusterInfo, encodeFastjson, encodeTopicList, encodeTopicRouteData, GetRouteInfoRequestHeader, MASTER_ID, parseFastjson, parseRegisterBrokerBody, RegisterBrokerRequestHeader, RegisterBrokerResponseHeader, UnregisterBrokerRequestHeader, type BrokerData, type DataVersion, type QueueData } from "bun-remoting/rocketmq";

/** Java's default: a broker that has not registered for 2 minutes is gone. */
const DEFAULT_BROKER_TIMEOUT_MS = 120_000;

/** QUERY_DATA_VERSION's headers (not in the package: this is how you declare your own). */
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

export interface NameServerLiteOptions extends RemotingServerOptions {
  /** Wall clock for broker expiry (ms); a test can pass its own. */
  now?: () => number;
}

export class NameServerLite {
  readonly server: RemotingServer;
  private readonly now: () => number;
  /** Broker name -> its group (master and slaves by id). */
  private readonly brokers = new Map<string, BrokerData>();
  /** Cluster name -> broker names. */
  private readonly clusters = new Map<string, Set<string>>();
  /** Topic -> broker name -> that broker's queues of the topic. */
  private readonly topics = new Map<string, Map<string, QueueData>>();
  /** Broker address -> when it last registered, and over which connection. */
  private readonly live = new Map<string, LiveBroker>();

  constructor({ now = Date.now, ...options }: NameServerLiteOptions = {}) {
    this.now = now;
    this.server = new RemotingServer({ port: 9876, ...options });
    const s = this.server;
    s.registerProcessor(RequestCode.REGISTER_BROKER, (ctx, request) => this.registerBroker(ctx, request));
    s.registerProcessor(RequestCode.UNREGISTER_BROKER, (_ctx, request) => this.unregisterBroker(request));
    s.registerProcessor(RequestCode.QUERY_DATA_VERSION, (_ctx, request) => this.queryDataVersion(request));
    s.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (_ctx, request) => this.routeInfo(request));
    s.registerProcessor(RequestCode.GET_BROKER_CLUSTER_INFO, (_ctx, request) => this.clusterInfo(request));
    s.registerProcessor(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (_ctx, request) => this.topicList(request));
    // Java's BrokerHousekeepingService: a broker whose connection closes is gone.
    s.setChannelEventListener({ onChannelClose: (_addr, channel) => this.dropBrokersOf(channel) });
  }

  start(): Promise<void> {
    return this.server.start();
  }

  get port(): number {
    return this.server.port;
  }

  shutdown(): Promise<void> {
    return this.server.shutdown();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  // ---- requests -------------------------------------------------------------------------------

  private registerBroker(ctx: ProcessorContext, request: RemotingCommand): RemotingCommand {
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
    this.expire();

    let names = this.clusters.get(clusterName);
    if (names === undefined) this.clusters.set(clusterName, (names = new Set()));
    names.add(brokerName);
    let group = this.brokers.get(brokerName);
    if (group === undefined) this.brokers.set(brokerName, (group = { cluster: clusterName, brokerName, brokerAddrs: {}, enableActingMaster: header.enableActingMaster ?? false }));
    // One record per address: a slave that became master (or the reverse) changes its id.
    for (const [id, addr] of Object.entries(group.brokerAddrs)) if (addr === brokerAddr && id !== brokerId) delete group.brokerAddrs[id];
    group.brokerAddrs[brokerId] = brokerAddr;

    if (brokerId === String(MASTER_ID)) this.replaceQueues(brokerName, topicConfigs);
    this.live.set(brokerAddr, {
      lastUpdate: this.now(),
      timeoutMs: Number(header.heartbeatTimeoutMillis ?? DEFAULT_BROKER_TIMEOUT_MS),
      haServerAddr: header.haServerAddr,
      channel: ctx.channel,
      dataVersion: wrapper?.dataVersion ?? null,
    });

    // A slave learns its master's addresses.
    const masterAddr = brokerId === String(MASTER_ID) ? undefined : group.brokerAddrs[String(MASTER_ID)];
    const master = masterAddr === undefined ? undefined : this.live.get(masterAddr);
    const responseHeader = master === undefined ? {} : { haServerAddr: master.haServerAddr, masterAddr };
    return answer(request, ResponseCode.SUCCESS, null, { extFields: encodeCustomHeader(responseHeader, RegisterBrokerResponseHeader) });
  }

  private unregisterBroker(request: RemotingCommand): RemotingCommand {
    const { brokerName, brokerAddr, brokerId } = decodeCustomHeader(request.extFields, UnregisterBrokerRequestHeader);
    const group = this.brokers.get(brokerName);
    if (group !== undefined && group.brokerAddrs[String(brokerId)] === brokerAddr) this.dropBroker(brokerAddr);
    this.live.delete(brokerAddr);
    return answer(request, ResponseCode.SUCCESS, null);
  }

  /** A broker asks whether its topic table changed since it registered; it also counts as a sign of life. */
  private queryDataVersion(request: RemotingCommand): RemotingCommand {
    const { brokerAddr } = decodeCustomHeader(request.extFields, QueryDataVersionRequestHeader);
    const theirs = (request.body === null ? null : parseFastjson(request.body)) as DataVersion | null;
    const live = this.live.get(brokerAddr);
    const mine = live?.dataVersion ?? null;
    const changed = mine === null || theirs === null || mine.timestamp !== theirs.timestamp || mine.counter !== theirs.counter || (mine.stateVersion ?? 0) !== (theirs.stateVersion ?? 0);
    if (live !== undefined) live.lastUpdate = this.now();
    return answer(request, ResponseCode.SUCCESS, null, {
      extFields: encodeCustomHeader({ changed }, QueryDataVersionResponseHeader),
      ...(mine === null ? {} : { body: encodeFastjson(mine) }),
    });
  }

  private routeInfo(request: RemotingCommand): RemotingCommand {
    const { topic, acceptStandardJsonOnly } = decodeCustomHeader(request.extFields, GetRouteInfoRequestHeader);
    this.expire();
    const queues = this.topics.get(topic);
    const brokerDatas = queues === undefined ? [] : [...queues.keys()].flatMap((name) => this.brokers.get(name) ?? []);
    if (queues === undefined || brokerDatas.length === 0) {
      return answer(request, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}`);
    }
    // Name servers 4.9.4+ quote the broker ids only for clients that can take it (spec 2.5, 2.8).
    const standardJson = request.version >= RemotingVersion.V4_9_4 || acceptStandardJsonOnly === true;
    const route = { queueDatas: [...queues.values()], brokerDatas: structuredClone(brokerDatas), filterServerTable: {} };
    return answer(request, ResponseCode.SUCCESS, null, { body: encodeTopicRouteData(route, { standardJson }) });
  }

  private clusterInfo(request: RemotingCommand): RemotingCommand {
    this.expire();
    const info = {
      brokerAddrTable: Object.fromEntries(this.brokers),
      clusterAddrTable: Object.fromEntries([...this.clusters].map(([cluster, names]) => [cluster, [...names]])),
    };
    return answer(request, ResponseCode.SUCCESS, null, { body: encodeClusterInfo(info) }); // always fastjson's form, as Java
  }

  private topicList(request: RemotingCommand): RemotingCommand {
    this.expire();
    return answer(request, ResponseCode.SUCCESS, null, { body: encodeTopicList({ topicList: [...this.topics.keys()] }) });
  }

  // ---- the tables -----------------------------------------------------------------------------

  /** A master's registration carries its whole topic table: it replaces the broker's queues. */
  private replaceQueues(brokerName: string, configs: Record<string, { readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag?: number }>): void {
    this.removeQueues(brokerName);
    for (const [topic, config] of Object.entries(configs)) {
      let queues = this.topics.get(topic);
      if (queues === undefined) this.topics.set(topic, (queues = new Map()));
      queues.set(brokerName, {
        brokerName,
        readQueueNums: config.readQueueNums,
        writeQueueNums: config.writeQueueNums,
        perm: config.perm,
        topicSysFlag: config.topicSysFlag ?? 0,
      });
    }
  }

  private removeQueues(brokerName: string): void {
    for (const [topic, queues] of this.topics) {
      queues.delete(brokerName);
      if (queues.size === 0) this.topics.delete(topic);
    }
  }

  /** Forgets one broker address; a group left empty goes, with its queues and cluster entry. */
  private dropBroker(brokerAddr: string): void {
    this.live.delete(brokerAddr);
    for (const [name, group] of this.brokers) {
      for (const [id, addr] of Object.entries(group.brokerAddrs)) if (addr === brokerAddr) delete group.brokerAddrs[id];
      if (Object.keys(group.brokerAddrs).length > 0) continue;
      this.brokers.delete(name);
      this.removeQueues(name);
      const names = this.clusters.get(group.cluster);
      names?.delete(name);
      if (names?.size === 0) this.clusters.delete(group.cluster);
    }
  }

  private dropBrokersOf(channel: RemotingChannel): void {
    for (const [addr, broker] of this.live) if (broker.channel === channel) this.dropBroker(addr);
  }

  /** Brokers that stopped registering are gone (checked on every request instead of by a timer). */
  private expire(): void {
    const now = this.now();
    for (const [addr, broker] of this.live) if (now - broker.lastUpdate > broker.timeoutMs) this.dropBroker(addr);
  }
}

/** A response in the request's own header type (any RocketMQ peer decodes both). */
function answer(request: RemotingCommand, code: number, remark: string | null, init: { extFields?: Record<string, string>; body?: Uint8Array } = {}): RemotingCommand {
  return createResponse(code, remark, { ...init, serializeType: request.serializeType });
}

if (import.meta.main) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 9876);
  await using namesrv = new NameServerLite({ port });
  await namesrv.start();
  console.log(`namesrv-lite listening on port ${namesrv.port}`);
  await new Promise((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}
