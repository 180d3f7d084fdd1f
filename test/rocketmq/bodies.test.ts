import { describe, expect, test } from "bun:test";
import { decodeCustomHeader, decodeFrame, encodeFrame, RemotingCommandError, RequestCode } from "../../src/index.ts";
import { bodyCrc32, createClusterInfoRequest, createHeartbeatRequest, createRegisterBrokerRequest, createRouteInfoRequest, createTopicListRequest, createUnregisterBrokerRequest, encodeClusterInfo, encodeTopicList, encodeTopicRouteData, GetRouteInfoRequestHeader, parseClusterInfo, parseHeartbeatData, parseRegisterBrokerBody, parseTopicList, parseTopicRouteData, RegisterBrokerRequestHeader, UnregisterBrokerRequestHeader, type ClusterInfo, type HeartbeatData, type RegisterBrokerBody, type TopicRouteData } from "../../src/rocketmq/index.ts";
import { Random } from "../helpers/random.ts";

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const route: TopicRouteData = {
  queueDatas: [{ brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
  brokerDatas: [{ cluster: "DefaultCluster", brokerName: "broker-a", brokerAddrs: { "0": "127.0.0.1:10911", "1": "127.0.0.1:10921" }, enableActingMaster: false }],
  filterServerTable: {},
};

describe("route and cluster bodies (spec 2.6, 2.8)", () => {
  test("TopicRouteData: standard JSON quotes broker ids, fastjson's form leaves them bare; both parse back", () => {
    const standard = text(encodeTopicRouteData(route));
    expect(standard).toContain('"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"}');
    expect(JSON.parse(standard)).toEqual(route);
    const legacy = text(encodeTopicRouteData(route, { standardJson: false }));
    expect(legacy).toContain('"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}');
    expect(() => JSON.parse(legacy)).toThrow();
    expect(parseTopicRouteData(legacy)).toEqual(route);
    expect(parseTopicRouteData(standard)).toEqual(route);
  });

  test("TopicRouteData as a 5.2 name server sends it to an old client (real capture shape)", () => {
    const body =
      '{"brokerDatas":[{"brokerAddrs":{0:"10.2.3.117:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],' +
      '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}';
    const parsed = parseTopicRouteData(new TextEncoder().encode(body));
    expect(parsed.brokerDatas[0]!.brokerAddrs).toEqual({ "0": "10.2.3.117:10911" });
    expect(parsed.queueDatas[0]!.readQueueNums).toBe(8);
  });

  test("missing tables come back empty; wrong shapes fail with a RemotingCommandError naming the field", () => {
    expect(parseTopicRouteData("{}")).toEqual({ queueDatas: [], brokerDatas: [], filterServerTable: {} });
    for (const [body, field] of [
      ['{"queueDatas":{}}', "TopicRouteData.queueDatas"],
      ['{"brokerDatas":[{"brokerAddrs":{0:5}}]}', "TopicRouteData.brokerDatas[0].brokerAddrs.0"],
      ["[]", "TopicRouteData"],
    ] as const) {
      expect(() => parseTopicRouteData(body)).toThrow(RemotingCommandError);
      expect(() => parseTopicRouteData(body)).toThrow(field);
    }
    expect(() => parseTopicRouteData(null)).toThrow("TopicRouteData: the body is empty");
  });

  test("ClusterInfo is written in fastjson's form by default, as every name server does", () => {
    const info: ClusterInfo = {
      brokerAddrTable: { "broker-a": route.brokerDatas[0]! },
      clusterAddrTable: { DefaultCluster: ["broker-a"] },
    };
    const body = encodeClusterInfo(info);
    expect(text(body)).toContain("{0:");
    expect(parseClusterInfo(body)).toEqual(info);
    expect(JSON.parse(text(encodeClusterInfo(info, { standardJson: true })))).toEqual(info);
    expect(() => parseClusterInfo('{"clusterAddrTable":{"c":[1]}}')).toThrow("ClusterInfo.clusterAddrTable.c[0]");
  });

  test("TopicList", () => {
    expect(text(encodeTopicList({ topicList: ["a", "b"] }))).toBe('{"topicList":["a","b"]}');
    expect(parseTopicList('{"topicList":["x"],"brokerAddr":"h:1"}')).toEqual({ topicList: ["x"], brokerAddr: "h:1" });
  });
});

describe("register, unregister and heartbeat requests", () => {
  const body: RegisterBrokerBody = {
    topicConfigSerializeWrapper: {
      topicConfigTable: {
        TopicTest: { topicName: "TopicTest", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: "SINGLE_TAG", topicSysFlag: 0, order: false, attributes: {} },
      },
      dataVersion: { stateVersion: 0, timestamp: 1_700_000_000_000, counter: 3 },
    },
    filterServerList: [],
  };

  test("bodyCrc32 is Java's UtilAll.crc32: CRC-32 with the sign bit cleared", () => {
    expect(bodyCrc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926 & 0x7fffffff);
    expect(bodyCrc32(new Uint8Array(0))).toBe(0);
    const r = new Random(32);
    for (let i = 0; i < 200; i++) {
      const bytes = r.bytes(r.int(0, 300));
      expect(bodyCrc32(bytes)).toBe(Bun.hash.crc32(bytes) & 0x7fffffff);
    }
  });

  test("REGISTER_BROKER: typed header with compressed=false and the body's checksum; survives the wire", () => {
    for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
      const request = createRegisterBrokerRequest(
        { brokerName: "broker-a", brokerAddr: "127.0.0.1:10911", clusterName: "DefaultCluster", haServerAddr: "127.0.0.1:10912", brokerId: 0n, heartbeatTimeoutMillis: 120_000n },
        body,
        { serializeType },
      );
      const received = decodeFrame(encodeFrame(request));
      expect(received.code).toBe(RequestCode.REGISTER_BROKER);
      const header = decodeCustomHeader(received.extFields, RegisterBrokerRequestHeader);
      expect(header).toEqual({
        brokerName: "broker-a",
        brokerAddr: "127.0.0.1:10911",
        clusterName: "DefaultCluster",
        haServerAddr: "127.0.0.1:10912",
        brokerId: 0n,
        heartbeatTimeoutMillis: 120_000n,
        compressed: false,
        bodyCrc32: bodyCrc32(received.body!),
      });
      expect(parseRegisterBrokerBody(received.body)).toEqual(body);
    }
  });

  test("UNREGISTER_BROKER and the name server queries", () => {
    const un = createUnregisterBrokerRequest({ brokerName: "b", brokerAddr: "h:1", clusterName: "c", brokerId: 1n });
    expect(un.code).toBe(104);
    expect(decodeCustomHeader(un.extFields, UnregisterBrokerRequestHeader)).toEqual({ brokerName: "b", brokerAddr: "h:1", clusterName: "c", brokerId: 1n });
    expect(() => decodeCustomHeader({ brokerName: "b" }, UnregisterBrokerRequestHeader)).toThrow("the custom field brokerAddr is null");
    expect(createClusterInfoRequest().code).toBe(106);
    expect(createTopicListRequest({ serializeType: "ROCKETMQ" }).serializeType).toBe("ROCKETMQ");
  });

  test("GET_ROUTEINFO_BY_TOPIC asks for standard JSON unless told otherwise", () => {
    const request = createRouteInfoRequest("TopicTest");
    expect(request.code).toBe(105);
    expect(request.extFields).toEqual({ topic: "TopicTest", acceptStandardJsonOnly: "true" });
    const legacy = createRouteInfoRequest("TopicTest", { acceptStandardJsonOnly: false, version: 373, extFields: { ns: "tenant" } });
    expect(decodeCustomHeader(legacy.extFields, GetRouteInfoRequestHeader)).toEqual({ topic: "TopicTest", acceptStandardJsonOnly: false, ns: "tenant" });
    expect(legacy.version).toBe(373);
  });

  test("HEART_BEAT carries HeartbeatData as JSON; parse fills in missing sets", () => {
    const data: HeartbeatData = {
      clientID: "127.0.0.1@4242",
      producerDataSet: [{ groupName: "CLIENT_INNER_PRODUCER" }],
      consumerDataSet: [
        {
          groupName: "g",
          consumeType: "CONSUME_PASSIVELY",
          messageModel: "CLUSTERING",
          consumeFromWhere: "CONSUME_FROM_LAST_OFFSET",
          subscriptionDataSet: [{ topic: "TopicTest", subString: "*", tagsSet: [], codeSet: [], subVersion: 1, expressionType: "TAG" }],
          unitMode: false,
        },
      ],
    };
    const request = createHeartbeatRequest(data, { header: { ns: "tenant" } });
    expect(request.code).toBe(34);
    expect(request.extFields).toEqual({ ns: "tenant" });
    expect(parseHeartbeatData(request.body)).toEqual(data);
    expect(parseHeartbeatData('{"clientID":"x"}')).toEqual({ clientID: "x", producerDataSet: [], consumerDataSet: [] });
    expect(() => parseHeartbeatData('{"producerDataSet":[]}')).toThrow("HeartbeatData.clientID");
  });
});
