import { describe, expect, test } from "bun:test";
import { NameServerLite } from "../../src/lite/index.ts";
import { createRequest, decodeCustomHeader, RemotingClient, RequestCode, ResponseCode, silentLogger, type RemotingCommand } from "../../src/index.ts";
import { createClusterInfoRequest, createRegisterBrokerRequest, createRouteInfoRequest, createTopicListRequest, createUnregisterBrokerRequest, parseClusterInfo, parseTopicList, parseTopicRouteData, RegisterBrokerResponseHeader, type RegisterBrokerBody } from "../../src/rocketmq/index.ts";
import { HOST, useHarness } from "../helpers/harness.ts";

const h = useHarness();
const TYPES = ["JSON", "ROCKETMQ"] as const;
const CLUSTER = "DefaultCluster";

async function startNamesrv(now?: () => number): Promise<{ namesrv: NameServerLite; addr: string }> {
  const namesrv = new NameServerLite({ host: HOST, port: 0, logger: silentLogger, shutdownTimeoutMs: 200, ...(now ? { now } : {}) });
  h.defer(() => namesrv.shutdown());
  await namesrv.start();
  return { namesrv, addr: `${HOST}:${namesrv.port}` };
}

function registerBody(topics: Record<string, number>): RegisterBrokerBody {
  return {
    topicConfigSerializeWrapper: {
      topicConfigTable: Object.fromEntries(
        Object.entries(topics).map(([topicName, queues]) => [
          topicName,
          { topicName, readQueueNums: queues, writeQueueNums: queues, perm: 6, topicFilterType: "SINGLE_TAG", topicSysFlag: 0, order: false, attributes: {} },
        ]),
      ),
      dataVersion: { stateVersion: 0, timestamp: Date.now(), counter: 1 },
    },
    filterServerList: [],
  };
}

interface Broker {
  name: string;
  id: bigint;
  addr: string;
  ha: string;
}
const masterA: Broker = { name: "broker-a", id: 0n, addr: "10.0.0.1:10911", ha: "10.0.0.1:10912" };
const slaveA: Broker = { name: "broker-a", id: 1n, addr: "10.0.0.2:10911", ha: "10.0.0.2:10912" };
const masterB: Broker = { name: "broker-b", id: 0n, addr: "10.0.0.3:10911", ha: "10.0.0.3:10912" };

function register(client: RemotingClient, addr: string, b: Broker, topics: Record<string, number>, serializeType: "JSON" | "ROCKETMQ", timeoutMs?: bigint): Promise<RemotingCommand> {
  const header = { brokerName: b.name, brokerAddr: b.addr, clusterName: CLUSTER, haServerAddr: b.ha, brokerId: b.id, ...(timeoutMs ? { heartbeatTimeoutMillis: timeoutMs } : {}) };
  return client.invokeSync(addr, createRegisterBrokerRequest(header, registerBody(topics), { serializeType }), 3000);
}

const text = (bytes: Uint8Array | null): string => new TextDecoder().decode(bytes!);

describe("NameServerLite end to end", () => {
  for (const serializeType of TYPES) {
    test(`${serializeType}: register brokers, fetch routes, cluster info and the topic list, unregister`, async () => {
      const { addr } = await startNamesrv();
      const broker = h.client(); // the brokers' connection
      const client = h.client(); // an application's connection

      const masterAnswer = await register(broker, addr, masterA, { TopicTest: 8, Shared: 4 }, serializeType);
      expect(masterAnswer.code).toBe(ResponseCode.SUCCESS);
      expect(masterAnswer.serializeType).toBe(serializeType);
      expect(decodeCustomHeader(masterAnswer.extFields, RegisterBrokerResponseHeader)).toEqual({});
      const slaveAnswer = await register(broker, addr, slaveA, { TopicTest: 8 }, serializeType);
      expect(decodeCustomHeader(slaveAnswer.extFields, RegisterBrokerResponseHeader)).toEqual({ haServerAddr: masterA.ha, masterAddr: masterA.addr });
      await register(broker, addr, masterB, { Shared: 2 }, serializeType);

      const routeAnswer = await client.invokeSync(addr, createRouteInfoRequest("TopicTest", { serializeType }), 3000);
      expect(routeAnswer.code).toBe(ResponseCode.SUCCESS);
      expect(text(routeAnswer.body)).toContain('"brokerAddrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"}'); // standard JSON
      expect(parseTopicRouteData(routeAnswer.body)).toEqual({
        queueDatas: [{ brokerName: "broker-a", readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0 }],
        brokerDatas: [{ cluster: CLUSTER, brokerName: "broker-a", brokerAddrs: { "0": masterA.addr, "1": slaveA.addr }, enableActingMaster: false }],
        filterServerTable: {},
      });
      const shared = parseTopicRouteData((await client.invokeSync(addr, createRouteInfoRequest("Shared", { serializeType }), 3000)).body);
      expect(shared.queueDatas.map((q) => [q.brokerName, q.readQueueNums])).toEqual([["broker-a", 4], ["broker-b", 2]]);

      const clusterAnswer = await client.invokeSync(addr, createClusterInfoRequest({ serializeType }), 3000);
      expect(text(clusterAnswer.body)).toContain('"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}'); // always fastjson's form
      const cluster = parseClusterInfo(clusterAnswer.body);
      expect(cluster.clusterAddrTable).toEqual({ [CLUSTER]: ["broker-a", "broker-b"] });
      expect(Object.keys(cluster.brokerAddrTable)).toEqual(["broker-a", "broker-b"]);

      const topics = parseTopicList((await client.invokeSync(addr, createTopicListRequest({ serializeType }), 3000)).body);
      expect(topics.topicList.sort()).toEqual(["Shared", "TopicTest"]);

      const un = createUnregisterBrokerRequest({ brokerName: "broker-b", brokerAddr: masterB.addr, clusterName: CLUSTER, brokerId: 0n }, { serializeType });
      expect((await broker.invokeSync(addr, un, 3000)).code).toBe(ResponseCode.SUCCESS);
      const after = parseTopicRouteData((await client.invokeSync(addr, createRouteInfoRequest("Shared", { serializeType }), 3000)).body);
      expect(after.queueDatas.map((q) => q.brokerName)).toEqual(["broker-a"]);
      expect(parseClusterInfo((await client.invokeSync(addr, createClusterInfoRequest(), 3000)).body).clusterAddrTable).toEqual({ [CLUSTER]: ["broker-a"] });
    });
  }

  test("a client older than 4.9.4 that does not ask for standard JSON gets fastjson's bare broker ids, as from a real name server", async () => {
    const { addr } = await startNamesrv();
    const client = h.client();
    await register(client, addr, masterA, { TopicTest: 4 }, "JSON");
    const legacy = await client.invokeSync(addr, createRouteInfoRequest("TopicTest", { version: 373, acceptStandardJsonOnly: false }), 3000);
    expect(text(legacy.body)).toContain('"brokerAddrs":{0:"10.0.0.1:10911"}');
    expect(() => JSON.parse(text(legacy.body))).toThrow();
    expect(parseTopicRouteData(legacy.body).brokerDatas[0]!.brokerAddrs).toEqual({ "0": masterA.addr });
    // the same old client with acceptStandardJsonOnly gets standard JSON
    const asked = await client.invokeSync(addr, createRouteInfoRequest("TopicTest", { version: 373 }), 3000);
    expect(JSON.parse(text(asked.body)).brokerDatas[0].brokerAddrs).toEqual({ "0": masterA.addr });
  });

  test("unknown topic: TOPIC_NOT_EXIST (17) with Java's remark; bad requests: SYSTEM_ERROR; other codes: not supported", async () => {
    const { addr } = await startNamesrv();
    const client = h.client();
    const missing = await client.invokeSync(addr, createRouteInfoRequest("NoSuchTopic"), 3000);
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(missing.remark).toBe("No topic route info in name server for the topic: NoSuchTopic");

    const noTopic = await client.invokeSync(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC), 3000);
    expect(noTopic.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(noTopic.remark).toContain("the custom field topic is null");

    const tampered = createRegisterBrokerRequest(
      { brokerName: "b", brokerAddr: "h:1", clusterName: CLUSTER, haServerAddr: "h:2", brokerId: 0n },
      registerBody({ T: 1 }),
    );
    tampered.body = new TextEncoder().encode(text(tampered.body).replace('"T"', '"U"'));
    const crc = await client.invokeSync(addr, tampered, 3000);
    expect(crc).toMatchObject({ code: ResponseCode.SYSTEM_ERROR, remark: "crc32 not match" });

    const other = await client.invokeSync(addr, createRequest(RequestCode.GET_KV_CONFIG), 3000);
    expect(other.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });

  test("a registration's topic configs are read as Java reads a TopicConfig: absent fields at its defaults, numbers as strings taken, wrong types refused and never served", async () => {
    const { addr } = await startNamesrv();
    const client = h.client();
    const registerTable = (table: Record<string, unknown>) =>
      client.invokeSync(
        addr,
        createRegisterBrokerRequest(
          { brokerName: "b", brokerAddr: "10.0.0.9:10911", clusterName: CLUSTER, haServerAddr: "10.0.0.9:10912", brokerId: 0n },
          { topicConfigSerializeWrapper: { topicConfigTable: table as RegisterBrokerBody["topicConfigSerializeWrapper"]["topicConfigTable"], dataVersion: { timestamp: 1, counter: 1 } }, filterServerList: [] },
        ),
        3000,
      );
    for (const bad of [{ readQueueNums: "x" }, { writeQueueNums: 1.5 }, { perm: true }, { topicSysFlag: 2 ** 31 }, { topicName: 7 }, { order: "yes" }, { topicFilterType: "ANY" }, { attributes: { a: 1 } }]) {
      const refused = await registerTable({ Bad: { topicName: "Bad", ...bad } });
      expect(refused.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(refused.remark).toContain("topicConfigTable.Bad.");
      expect((await client.invokeSync(addr, createRouteInfoRequest("Bad"), 3000)).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    }
    expect((await registerTable({ Lenient: { readQueueNums: "4", writeQueueNums: 2, perm: null } })).code).toBe(ResponseCode.SUCCESS);
    const route = parseTopicRouteData((await client.invokeSync(addr, createRouteInfoRequest("Lenient"), 3000)).body!);
    expect(route.queueDatas).toEqual([{ brokerName: "b", readQueueNums: 4, writeQueueNums: 2, perm: 6, topicSysFlag: 0 }]);
    expect((await registerTable({ Defaults: {} })).code).toBe(ResponseCode.SUCCESS);
    const defaults = parseTopicRouteData((await client.invokeSync(addr, createRouteInfoRequest("Defaults"), 3000)).body!);
    expect(defaults.queueDatas).toEqual([{ brokerName: "b", readQueueNums: 16, writeQueueNums: 16, perm: 6, topicSysFlag: 0 }]);
  });

  test("QUERY_DATA_VERSION: whether the broker's topic table changed since it registered; it also keeps the broker alive", async () => {
    let t = 5_000_000;
    const { addr } = await startNamesrv(() => t);
    const broker = h.client();
    const body = registerBody({ TopicTest: 4 });
    await broker.invokeSync(addr, createRegisterBrokerRequest({ brokerName: masterA.name, brokerAddr: masterA.addr, clusterName: CLUSTER, haServerAddr: masterA.ha, brokerId: 0n }, body), 3000);
    const version = body.topicConfigSerializeWrapper.dataVersion;
    const query = (dataVersion: object) =>
      broker.invokeSync(
        addr,
        createRequest(RequestCode.QUERY_DATA_VERSION, {
          extFields: { brokerName: masterA.name, brokerAddr: masterA.addr, clusterName: CLUSTER, brokerId: "0" },
          body: new TextEncoder().encode(JSON.stringify(dataVersion)),
        }),
        3000,
      );
    const same = await query(version);
    expect(same.code).toBe(ResponseCode.SUCCESS);
    expect(same.extFields).toEqual({ changed: "false" });
    expect(JSON.parse(text(same.body))).toEqual(version);
    expect((await query({ ...version, counter: version.counter + 1 })).extFields).toEqual({ changed: "true" });

    t += 100_000; // within the 120 s timeout
    await query(version);
    t += 100_000; // 200 s after registering, 100 s after the query
    const route = await broker.invokeSync(addr, createRouteInfoRequest("TopicTest"), 3000);
    expect(route.code).toBe(ResponseCode.SUCCESS);
  });

  test("a broker is dropped when its connection closes, or when it stops registering", async () => {
    let t = 1_000_000;
    const { addr } = await startNamesrv(() => t);
    const brokerA = new RemotingClient({ logger: silentLogger });
    h.defer(() => brokerA.shutdown());
    const brokerB = h.client();
    const client = h.client();
    await register(brokerA, addr, masterA, { TopicTest: 4 }, "JSON");
    await register(brokerB, addr, masterB, { TopicTest: 4 }, "ROCKETMQ", 30_000n);
    const route = async () => parseTopicRouteData((await client.invokeSync(addr, createRouteInfoRequest("TopicTest"), 3000)).body);
    expect((await route()).brokerDatas.map((b) => b.brokerName)).toEqual(["broker-a", "broker-b"]);

    await brokerA.shutdown(); // its connection closes; the close event reaches the name server on a later tick
    let names: string[] = [];
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      names = (await route()).brokerDatas.map((b) => b.brokerName);
      if (names.length === 1) break;
      await Bun.sleep(5);
    }
    expect(names).toEqual(["broker-b"]);

    t += 30_001; // broker-b's heartbeatTimeoutMillis passes without a new registration
    const gone = await client.invokeSync(addr, createRouteInfoRequest("TopicTest"), 3000);
    expect(gone.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });
});
