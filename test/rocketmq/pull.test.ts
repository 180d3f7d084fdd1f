import { describe, expect, test } from "bun:test";
import { createResponse, MQBrokerError, RemotingCommandError, RequestCode } from "../../src/index.ts";
import { buildPullSysFlag, buildSubscriptionData, createHeaderRequest, createPullMessageRequest, createPullMessageResponse, decodeNumericHeader, encodeLockBatchRequestBody, encodeLockBatchResponseBody, encodeMessageExt, OffsetResponseHeader, parseConsumerIdList, parseLockBatchRequestBody, parseLockBatchResponseBody, processOffsetResponse, processPullResponse, processPullResult, PullMessageRequestHeader, PullStatus, pullStatusOf, UpdateConsumerOffsetRequestHeader, type MessageExtInit } from "../../src/rocketmq/index.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const offsets = { suggestWhichBrokerId: 0, nextBeginOffset: 12, minOffset: 0, maxOffset: 12 };

function record(tags: string | undefined, queueOffset: number): Uint8Array {
  const init: MessageExtInit = {
    topic: "T",
    body: utf8(`m${queueOffset}`),
    properties: tags === undefined ? {} : { TAGS: tags },
    queueId: 0,
    queueOffset,
    commitLogOffset: queueOffset * 100,
    bornTimestamp: 1,
    bornHost: "10.0.0.1:1",
    storeTimestamp: 2,
    storeHost: "10.0.0.2:10911",
  };
  return encodeMessageExt(init);
}

describe("PullSysFlag", () => {
  test("what each consumer sends: push 2 (3 with a committed offset), lite pull 22, DefaultMQPullConsumer 4 / 6", () => {
    expect(buildPullSysFlag({ suspend: true })).toBe(2);
    expect(buildPullSysFlag({ commitOffset: true, suspend: true })).toBe(3);
    expect(buildPullSysFlag({ suspend: true, subscription: true, litePull: true })).toBe(22);
    expect(buildPullSysFlag({ subscription: true })).toBe(4);
    expect(buildPullSysFlag({ suspend: true, subscription: true, classFilter: true })).toBe(14);
    expect(buildPullSysFlag({})).toBe(0);
  });
});

describe("pull answers (processPullResponse / processPullResult)", () => {
  test("codes to statuses; any other code is an MQBrokerError", () => {
    expect([0, 19, 20, 21].map(pullStatusOf)).toEqual([PullStatus.FOUND, PullStatus.NO_NEW_MSG, PullStatus.NO_MATCHED_MSG, PullStatus.OFFSET_ILLEGAL]);
    for (const code of [1, 17, 24, 25, 26, 215]) {
      expect(pullStatusOf(code)).toBeNull();
      expect(() => processPullResponse(createResponse(code, "no"))).toThrow(MQBrokerError);
    }
  });

  test("the four offsets are required on every answer; numbers, not bigints", () => {
    const answer = createPullMessageResponse(offsets, { code: 21, remark: "OFFSET_OVERFLOW_BADLY" });
    expect(answer.extFields).toEqual({ suggestWhichBrokerId: "0", nextBeginOffset: "12", minOffset: "0", maxOffset: "12" });
    expect(processPullResponse(answer)).toEqual({ pullStatus: PullStatus.OFFSET_ILLEGAL, ...offsets, body: null });
    expect(() => processPullResponse(createResponse(19, null, { extFields: { nextBeginOffset: "1" } }))).toThrow(RemotingCommandError);
    expect(() => processPullResponse(createResponse(19, null, { extFields: { ...offsets, maxOffset: "9007199254740993" } as unknown as Record<string, string> }))).toThrow(/beyond 2\^53/);
  });

  test("processPullResult: the client's tag filter (exact tags; none dropped), MIN_OFFSET and MAX_OFFSET added", () => {
    const body = new Uint8Array(Buffer.concat([record("TagA", 0), record(undefined, 1), record("TagB", 2), record("BB", 3), record("Aa", 4)]));
    const pull = processPullResponse(createPullMessageResponse(offsets, { body }));
    expect(pull.body).toBe(body);
    const kept = processPullResult(pull, buildSubscriptionData("T", "TagA || Aa", { subVersion: 0 }), { brokerName: "broker-a" });
    expect(kept.map((m) => m.queueOffset)).toEqual([0, 4]);
    expect(kept.map((m) => [m.brokerName, m.properties.MIN_OFFSET, m.properties.MAX_OFFSET])).toEqual([
      ["broker-a", "0", "12"],
      ["broker-a", "0", "12"],
    ]);
    expect(processPullResult(pull, buildSubscriptionData("T", "*", { subVersion: 0 })).length).toBe(5);
    expect(processPullResult(processPullResponse(createPullMessageResponse(offsets, { code: 19 })), buildSubscriptionData("T", "*"))).toEqual([]);
  });

  test("LITE_PULL_MESSAGE (361) for 5.x lite pull; the header decodes with numbers", () => {
    const header = { consumerGroup: "g", topic: "T", queueId: 1, queueOffset: 2 ** 40, maxMsgNums: 10, sysFlag: 22, commitOffset: 0, suspendTimeoutMillis: 20000, subscription: "*", subVersion: 0, expressionType: "TAG" };
    expect(createPullMessageRequest(header).code).toBe(RequestCode.PULL_MESSAGE);
    const lite = createPullMessageRequest(header, { lite: true });
    expect(lite.code).toBe(RequestCode.LITE_PULL_MESSAGE);
    expect(decodeNumericHeader(lite.extFields, PullMessageRequestHeader)).toEqual(header);
  });
});

describe("offsets and consumer-group bodies", () => {
  test("processOffsetResponse: the offset on SUCCESS, an MQBrokerError otherwise (QUERY_NOT_FOUND included)", () => {
    expect(processOffsetResponse(createResponse(0, null, { extFields: { offset: "77" } }))).toBe(77);
    expect(() => processOffsetResponse(createResponse(22, "Not found, V3_0_6_SNAPSHOT maybe"), "b:1")).toThrow("CODE: 22  DESC: Not found, V3_0_6_SNAPSHOT maybe BROKER: b:1");
    expect(() => processOffsetResponse(createResponse(0, null))).toThrow(RemotingCommandError);
    expect(OffsetResponseHeader.offset).toBe("long!");
  });

  test("UPDATE_CONSUMER_OFFSET through the generic builder: fields in schema order, decoded back", () => {
    const header = { consumerGroup: "g", topic: "T", queueId: 3, commitOffset: 41, bname: "broker-a" };
    const request = createHeaderRequest(RequestCode.UPDATE_CONSUMER_OFFSET, UpdateConsumerOffsetRequestHeader, header, { flag: 2 });
    expect(Object.keys(request.extFields!)).toEqual(["consumerGroup", "topic", "queueId", "commitOffset", "bname"]);
    expect(request.flag).toBe(2);
    expect(decodeNumericHeader(request.extFields, UpdateConsumerOffsetRequestHeader)).toEqual(header);
  });

  test("lock bodies: fastjson's field order, parsed back, shapes checked", () => {
    const mqSet = [{ topic: "T", brokerName: "broker-a", queueId: 0 }];
    const request = encodeLockBatchRequestBody({ consumerGroup: "g", clientId: "c", mqSet });
    expect(new TextDecoder().decode(request)).toBe('{"clientId":"c","consumerGroup":"g","mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"}]}');
    expect(parseLockBatchRequestBody(request)).toEqual({ consumerGroup: "g", clientId: "c", mqSet });
    expect(parseLockBatchResponseBody(encodeLockBatchResponseBody({ lockOKMQSet: mqSet }))).toEqual({ lockOKMQSet: mqSet });
    expect(parseLockBatchResponseBody("{}")).toEqual({ lockOKMQSet: [] });
    expect(() => parseLockBatchRequestBody('{"clientId":"c","consumerGroup":"g","mqSet":[{"topic":"T"}]}')).toThrow(/mqSet\[0\]/);
    expect(() => parseLockBatchRequestBody('{"mqSet":[]}')).toThrow(RemotingCommandError);
    expect(() => parseConsumerIdList('{"consumerIdList":[1]}')).toThrow(/consumerIdList\[0\]/);
  });
});
