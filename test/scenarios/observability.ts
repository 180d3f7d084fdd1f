import assert from "node:assert/strict";
import dc from "node:diagnostics_channel";
import { createRouteInfoRequest, encodeTopicRouteData, parseTopicRouteData } from "bun-remoting/rocketmq";
import { group } from "./scenario.ts";

const ECHO = 10;
const ROUTE = 105;

// Stats, diagnostics_channel tracing and the RocketMQ body helpers, on both runtimes: node's
// diagnostics_channel and Bun's must carry the same events.
export const observability = group("stats, tracing, RocketMQ bodies", (scenario) => {
  scenario("stats count requests, errors and latency by code on both ends", async (h) => {
    const { createRequest } = h.lib;
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
    const client = h.client();
    for (let i = 0; i < 5; i++) await client.invokeSync(h.addrOf(server), createRequest(ECHO), 3000);
    await client.invokeSync(h.addrOf(server), createRequest(999), 3000);
    const served = server.stats.served;
    assert.equal(served.requests, 6);
    assert.deepEqual(served.byCode["999"]!.errorsByCode, { "3": 1 });
    assert.equal(served.byCode[String(ECHO)]!.latencyMs!.count, 5);
    const invoked = client.stats.invoked;
    assert.equal(invoked.byCode[String(ECHO)]!.requests, 5);
    assert.ok(invoked.byCode[String(ECHO)]!.latencyMs!.max > 0);
    assert.equal(client.stats.connections, 1);
  });

  scenario("tracing: invoke and process events, one context per call", async (h) => {
    const { createRequest, TracingChannels } = h.lib;
    const seen: string[] = [];
    const record = (kind: string) => ({
      start: () => void seen.push(`${kind}:start`),
      end: () => void seen.push(`${kind}:end`),
      asyncStart: () => void seen.push(`${kind}:asyncStart`),
      asyncEnd: () => void seen.push(`${kind}:asyncEnd`),
      error: () => void seen.push(`${kind}:error`),
    });
    const subscribers = { invoke: record("invoke"), process: record("process") };
    dc.tracingChannel(TracingChannels.invoke).subscribe(subscribers.invoke);
    dc.tracingChannel(TracingChannels.process).subscribe(subscribers.process);
    try {
      const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
      await h.client().invokeSync(h.addrOf(server), createRequest(ECHO), 3000);
    } finally {
      dc.tracingChannel(TracingChannels.invoke).unsubscribe(subscribers.invoke);
      dc.tracingChannel(TracingChannels.process).unsubscribe(subscribers.process);
    }
    assert.deepEqual(seen, ["invoke:start", "invoke:end", "process:start", "process:end", "invoke:asyncStart", "invoke:asyncEnd"]);
  });

  scenario("route data in fastjson's form (bare broker ids) travels and parses", async (h) => {
    const { createResponse } = h.lib;
    const route = {
      queueDatas: [{ brokerName: "b", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
      brokerDatas: [{ cluster: "c", brokerName: "b", brokerAddrs: { "0": "10.0.0.1:10911" } }],
      filterServerTable: {},
    };
    const server = await h.server({}, (s) => s.registerProcessor(ROUTE, () => createResponse(0, null, { body: encodeTopicRouteData(route, { standardJson: false }) })));
    const answer = await h.client().invokeSync(h.addrOf(server), createRouteInfoRequest("T"), 3000);
    assert.match(new TextDecoder().decode(answer.body!), /\{0:"10\.0\.0\.1:10911"\}/);
    assert.deepEqual(parseTopicRouteData(answer.body), route);
  });
});
