import { describe, expect, test } from "bun:test";
import { createRequest, createResponse, encodeCustomHeader, MQBrokerError, MQClientError, RemotingAbortedError, RemotingCommandError, RemotingConnectError, RemotingLifecycleError, RemotingSendRequestError, RemotingTimeoutError, RemotingTooMuchRequestError, RequestCode, ResponseCode } from "../../src/index.ts";
import { buildSendMessageRequestHeader, ClientErrorCode, createSendMessageRequest, decodeNumericHeader, decodeSendMessageRequestHeader, processSendResponse, SEND_RETRY_RESPONSE_CODES, sendFailedError, sendFailureResponseCode, sendMessageRequestHeaderV1, sendMessageRequestHeaderV2, SendMessageRequestHeaderV2, SendMessageResponseHeader, SendStatus, shouldRetrySend } from "../../src/rocketmq/index.ts";

const body = new TextEncoder().encode("body");
const base = { producerGroup: "pg", topic: "T", queueId: 2, brokerName: "broker-a", properties: new Map([["WAIT", "true"]]), bornTimestamp: 1700000000000 };

describe("send request header (DefaultMQProducerImpl.sendKernelImpl)", () => {
  test("Java's defaults: TBW102 with 4 queues, sysFlag 0, reconsumeTimes 0, unitMode and batch false, bname", () => {
    expect(buildSendMessageRequestHeader(base)).toEqual({
      producerGroup: "pg",
      topic: "T",
      defaultTopic: "TBW102",
      defaultTopicQueueNums: 4,
      queueId: 2,
      sysFlag: 0,
      bornTimestamp: 1700000000000,
      flag: 0,
      properties: "WAIT\u0001true",
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
      bname: "broker-a",
    });
    const now = Date.now();
    expect(buildSendMessageRequestHeader({ ...base, bornTimestamp: undefined }).bornTimestamp).toBeGreaterThanOrEqual(now);
  });

  test("sysFlag: compressed 769 (COMPRESSED | ZLIB), TRAN_MSG=true adds TRANSACTION_PREPARED (Boolean.parseBoolean)", () => {
    expect(buildSendMessageRequestHeader({ ...base, compressed: true }).sysFlag).toBe(769);
    expect(buildSendMessageRequestHeader({ ...base, properties: new Map([["TRAN_MSG", "TRUE"]]) }).sysFlag).toBe(4);
    expect(buildSendMessageRequestHeader({ ...base, compressed: true, properties: new Map([["TRAN_MSG", "true"]]) }).sysFlag).toBe(773);
    expect(buildSendMessageRequestHeader({ ...base, properties: new Map([["TRAN_MSG", "yes"]]) }).sysFlag).toBe(0);
  });

  test("a %RETRY% topic carries RECONSUME_TIME and MAX_RECONSUME_TIMES in j and l (and, as in Java, still in i)", () => {
    const properties = new Map([["RECONSUME_TIME", "3"], ["MAX_RECONSUME_TIMES", "16"], ["RETRY_TOPIC", "T"]]);
    const h = buildSendMessageRequestHeader({ ...base, topic: "%RETRY%cg", properties });
    expect([h.reconsumeTimes, h.maxReconsumeTimes]).toEqual([3, 16]);
    expect(h.properties).toContain("RECONSUME_TIME\u00013");
    const plain = buildSendMessageRequestHeader({ ...base, properties });
    expect([plain.reconsumeTimes, plain.maxReconsumeTimes]).toEqual([0, undefined]);
    expect(() => buildSendMessageRequestHeader({ ...base, topic: "%RETRY%cg", properties: new Map([["RECONSUME_TIME", "x"]]) })).toThrow(RemotingCommandError);
  });

  test("codes and forms: 310 V2 by default, 320 for a batch, 10 V1 without smart, 325/324 for replies", () => {
    const single = buildSendMessageRequestHeader(base);
    const v2 = createSendMessageRequest(single, body);
    expect(v2.code).toBe(RequestCode.SEND_MESSAGE_V2);
    expect(v2.body).toBe(body);
    expect(v2.extFields).toEqual({ a: "pg", b: "T", c: "TBW102", d: "4", e: "2", f: "0", g: "1700000000000", h: "0", i: "WAIT\u0001true", j: "0", k: "false", m: "false", n: "broker-a" });
    expect(createSendMessageRequest({ ...single, batch: true }, body).code).toBe(RequestCode.SEND_BATCH_MESSAGE);
    expect(createSendMessageRequest({ ...single, batch: true }, body, { smart: false }).code).toBe(RequestCode.SEND_BATCH_MESSAGE);
    const v1 = createSendMessageRequest(single, body, { smart: false });
    expect(v1.code).toBe(RequestCode.SEND_MESSAGE);
    expect(v1.extFields).toMatchObject({ producerGroup: "pg", topic: "T", defaultTopic: "TBW102", bornTimestamp: "1700000000000", bname: "broker-a", batch: "false" });
    expect(createSendMessageRequest(single, body, { reply: true }).code).toBe(RequestCode.SEND_REPLY_MESSAGE_V2);
    expect(createSendMessageRequest(single, body, { reply: true, smart: false }).code).toBe(RequestCode.SEND_REPLY_MESSAGE);
  });

  test("V1 <-> V2 both ways, and a broker decodes either form to the same V1 fields", () => {
    const h = buildSendMessageRequestHeader({ ...base, topic: "%RETRY%cg", properties: new Map([["MAX_RECONSUME_TIMES", "5"]]) });
    expect(sendMessageRequestHeaderV1(sendMessageRequestHeaderV2(h))).toEqual(h);
    expect(decodeSendMessageRequestHeader(createSendMessageRequest(h, body))).toEqual(h);
    expect(decodeSendMessageRequestHeader(createSendMessageRequest(h, body, { smart: false }))).toEqual(h);
    const missing = createSendMessageRequest(h, body);
    delete missing.extFields!.b;
    expect(() => decodeSendMessageRequestHeader(missing)).toThrow("the custom field b is null");
  });

  test("the V2 header written field by field gives what the schema walk over a V2 copy gives, strings, order and errors", () => {
    const h = buildSendMessageRequestHeader({ ...base, topic: "%RETRY%cg", properties: new Map([["MAX_RECONSUME_TIMES", "5"]]) });
    const outcome = (write: () => Record<string, string>): unknown => {
      try {
        return Object.entries(write()); // the order too
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    const fields = ["producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums", "queueId", "sysFlag", "bornTimestamp", "flag", "properties", "reconsumeTimes", "unitMode", "maxReconsumeTimes", "batch", "bname"];
    let compared = 0;
    for (const field of fields) {
      for (const value of [undefined, null, "", "x", 0, -1, 2.5, 12345678901234567890n, true, false, {}, Symbol("s")]) {
        const header = { ...h, [field]: value } as typeof h;
        const written = outcome(() => createSendMessageRequest(header, body).extFields!);
        expect(written).toEqual(outcome(() => encodeCustomHeader(sendMessageRequestHeaderV2(header), SendMessageRequestHeaderV2)));
        compared++;
      }
    }
    expect(compared).toBe(14 * 12);
  });

  test("the V2 header read field by field gives what the schema walk gives, values and errors, whatever a field holds", () => {
    const h = buildSendMessageRequestHeader({ ...base, topic: "%RETRY%cg", properties: new Map([["MAX_RECONSUME_TIMES", "5"]]) });
    const sent = createSendMessageRequest(h, body).extFields!;
    const outcome = (read: () => unknown): unknown => {
      try {
        return read();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    let compared = 0;
    for (const field of "abcdefghijklmn") {
      for (const value of [undefined, "", "1", "-0", "x", "2147483648", "12345678901234567", "TRUE", "+3", "007", " 1"]) {
        const ext: Record<string, string> = { ...sent };
        if (value === undefined) delete ext[field];
        else ext[field] = value;
        const request = createRequest(RequestCode.SEND_MESSAGE_V2, { extFields: ext });
        expect(outcome(() => decodeSendMessageRequestHeader(request))).toEqual(outcome(() => sendMessageRequestHeaderV1(decodeNumericHeader(ext, SendMessageRequestHeaderV2))));
        compared++;
      }
    }
    expect(compared).toBe(14 * 11);
  });
});

describe("send answers (MQClientAPIImpl.processSendResponse)", () => {
  const ext = { msgId: "7F00000100002A9F0000000000000000", queueId: "1", queueOffset: "9" };
  const send = { topic: "T", brokerName: "broker-a", brokerAddr: "127.0.0.1:10911", uniqueIds: "UNIQ" };

  test("the stored statuses: SUCCESS, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE", () => {
    const statuses = { 0: SendStatus.SEND_OK, 10: SendStatus.FLUSH_DISK_TIMEOUT, 12: SendStatus.FLUSH_SLAVE_TIMEOUT, 11: SendStatus.SLAVE_NOT_AVAILABLE } as const;
    for (const [code, status] of Object.entries(statuses)) {
      const result = processSendResponse(createResponse(Number(code), null, { extFields: { ...ext, MSG_REGION: "r1", TRACE_ON: "false", transactionId: "tx" } }), send);
      expect(result).toEqual({
        sendStatus: status,
        msgId: "UNIQ",
        offsetMsgId: ext.msgId,
        messageQueue: { topic: "T", brokerName: "broker-a", queueId: 1 },
        queueOffset: 9,
        transactionId: "tx",
        regionId: "r1",
        traceOn: false,
      });
    }
  });

  test("region defaults to DefaultRegion (absent or empty); trace is on unless 'false'; a batch's ids are joined", () => {
    const r = processSendResponse(createResponse(0, null, { extFields: { ...ext, MSG_REGION: "", TRACE_ON: "no" } }), { ...send, uniqueIds: ["A", "B"] });
    expect([r.regionId, r.traceOn, r.msgId]).toEqual(["DefaultRegion", true, "A,B"]);
    expect(processSendResponse(createResponse(0, null, { extFields: ext }), send).regionId).toBe("DefaultRegion");
  });

  test("any other code is an MQBrokerError with Java's message; a SUCCESS without its fields a RemotingCommandError", () => {
    let error: unknown;
    try {
      processSendResponse(createResponse(ResponseCode.MESSAGE_ILLEGAL, "the message is illegal"), send);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MQBrokerError);
    expect(error).toMatchObject({ code: "ERR_MQ_BROKER", responseCode: 13, remark: "the message is illegal", brokerAddr: "127.0.0.1:10911" });
    expect((error as Error).message).toBe("CODE: 13  DESC: the message is illegal BROKER: 127.0.0.1:10911");
    expect(() => processSendResponse(createResponse(0, null), send)).toThrow(RemotingCommandError);
  });

  test("the answer's fields are read as SendMessageResponseHeader's schema reads them, values and errors", () => {
    const outcome = (read: () => unknown): unknown => {
      try {
        return read();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    for (const field of ["msgId", "queueId", "queueOffset", "transactionId"]) {
      for (const value of [undefined, "", "1", "-0", "x", "2147483648", "12345678901234567", "TXN"]) {
        const fields: Record<string, string> = { ...ext, transactionId: "tx" };
        if (value === undefined) delete fields[field];
        else fields[field] = value;
        const read = outcome(() => {
          const r = processSendResponse(createResponse(0, null, { extFields: fields }), send);
          return { msgId: r.offsetMsgId, queueId: r.messageQueue.queueId, queueOffset: r.queueOffset, transactionId: r.transactionId };
        });
        expect(read).toEqual(outcome(() => ({ transactionId: undefined, ...decodeNumericHeader(fields, SendMessageResponseHeader) })));
      }
    }
  });
});

describe("the producer's reaction to a failed attempt (sendDefaultImpl, 4.9.8)", () => {
  const broker = (code: number): MQBrokerError => new MQBrokerError(code, "x");

  test("sync: the retry codes and connection failures try again; other broker codes and cancellations do not", () => {
    expect([...SEND_RETRY_RESPONSE_CODES].sort((a, b) => a - b)).toEqual([1, 14, 16, 17, 204, 205]);
    for (const code of SEND_RETRY_RESPONSE_CODES) expect(shouldRetrySend(broker(code), "sync")).toBe(true);
    for (const code of [2, 13, 215, 3]) expect(shouldRetrySend(broker(code), "sync")).toBe(false);
    const network = [new RemotingConnectError("a"), new RemotingTimeoutError("a", 1), new RemotingSendRequestError("a"), new RemotingTooMuchRequestError("x"), new RemotingCommandError("x")];
    for (const e of network) expect(shouldRetrySend(e, "sync")).toBe(true);
    expect(shouldRetrySend(new MQClientError("The broker[b] not exist"), "sync")).toBe(true);
    expect(shouldRetrySend(new RemotingAbortedError("a"), "sync")).toBe(false);
    expect(shouldRetrySend(new RemotingLifecycleError("x"), "sync")).toBe(false);
    expect(shouldRetrySend(new TypeError("x"), "sync")).toBe(false);
  });

  test("async: connection failures retry, broker codes never; oneway: never", () => {
    expect(shouldRetrySend(new RemotingTimeoutError("a", 1), "async")).toBe(true);
    expect(shouldRetrySend(broker(17), "async")).toBe(false);
    expect(shouldRetrySend(new MQClientError("x"), "async")).toBe(false);
    expect(shouldRetrySend(new RemotingConnectError("a"), "oneway")).toBe(false);
  });

  test("the error after the last attempt: Java's message and response code", () => {
    expect(sendFailureResponseCode(broker(17))).toBe(17);
    expect(sendFailureResponseCode(new RemotingConnectError("a"))).toBe(ClientErrorCode.CONNECT_BROKER_EXCEPTION);
    expect(sendFailureResponseCode(new RemotingTimeoutError("a", 1))).toBe(ClientErrorCode.ACCESS_BROKER_TIMEOUT);
    expect(sendFailureResponseCode(new MQClientError("x"))).toBe(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION);
    expect(sendFailureResponseCode(new RemotingSendRequestError("a"))).toBe(-1);
    const last = broker(14);
    const error = sendFailedError({ times: 3, costMs: 120, topic: "T", brokersSent: ["broker-a", "broker-b", "broker-a"], lastError: last });
    expect(error.message).toBe("Send [3] times, still failed, cost [120]ms, Topic: T, BrokersSent: [broker-a, broker-b, broker-a]");
    expect(error.responseCode).toBe(14);
    expect(error.cause).toBe(last);
  });
});
