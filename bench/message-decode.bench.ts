/**
 * The consumer's hot path: decoding a PULL_MESSAGE FOUND body (32 records, 128-byte bodies, the
 * usual properties: TAGS, KEYS, UNIQ_KEY, WAIT, CLUSTER, one user property) with decodeMessageExts,
 * against a straightforward decoder written the way Java's MessageDecoder.decodes works (a copy per
 * body, a DataView, the properties string decoded whole and split, every field eager). Both are
 * measured with and without reading each message's body and msgId (what a consumer does), A/B
 * interleaved round by round in one process; medians of the rounds, ns per message.
 * Also: building one send request (header + properties string + command), the producer's path.
 *
 *   taskset -c 1 bun bench/message-decode.bench.ts [--rounds 7]
 */
import { do_not_optimize, measure } from "mitata";
import { parseArgs } from "node:util";
import { buildSendMessageRequestHeader, createSendMessageRequest, decodeMessageExts, decodeProperties, encodeMessageExt, MessageIdGenerator, messageProperties, parseIp } from "../src/rocketmq/index.ts";
import { median } from "./suite/spread.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const MESSAGES = 32;

const ids = new MessageIdGenerator({ ip: parseIp("10.0.0.7"), pid: 4242, processHash: 0x1b6d3586 });
const records = Array.from({ length: MESSAGES }, (_, i) =>
  encodeMessageExt({
    topic: "TopicBench",
    body: new Uint8Array(128).fill(i),
    properties: { KEYS: `order-${i}`, UNIQ_KEY: ids.next(), WAIT: "true", TAGS: i % 2 === 0 ? "TagA" : "TagB", CLUSTER: "DefaultCluster", color: "blue" },
    queueId: 1,
    queueOffset: 1000 + i,
    commitLogOffset: 123456 + i * 300,
    bornTimestamp: 1700000000000 + i,
    bornHost: "10.0.0.7:53000",
    storeTimestamp: 1700000000100 + i,
    storeHost: "10.0.0.9:10911",
  }),
);
const body = new Uint8Array(Buffer.concat(records));

const HEX = "0123456789ABCDEF";
const textDecoder = new TextDecoder();

/** Java's MessageDecoder.decodes, written plainly: what the library's decoder is measured against. */
function straightforwardDecode(bytes: Uint8Array): Record<string, unknown>[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, unknown>[] = [];
  let p = 0;
  while (p < bytes.length) {
    const storeSize = view.getInt32(p);
    const sysFlag = view.getInt32(p + 36);
    const bornLength = (sysFlag & 0x10) === 0 ? 4 : 16;
    const storeLength = (sysFlag & 0x20) === 0 ? 4 : 16;
    const ip = (at: number, n: number): string => Array.from(bytes.subarray(at, at + n)).join(".");
    const bornHost = `${ip(p + 48, bornLength)}:${view.getInt32(p + 48 + bornLength)}`;
    let at = p + 48 + bornLength + 4;
    const storeTimestamp = Number(view.getBigInt64(at));
    const storeHostAt = at + 8;
    const storeHost = `${ip(storeHostAt, storeLength)}:${view.getInt32(storeHostAt + storeLength)}`;
    at = storeHostAt + storeLength + 4;
    const reconsumeTimes = view.getInt32(at);
    const preparedTransactionOffset = Number(view.getBigInt64(at + 4));
    const bodyLength = view.getInt32(at + 12);
    const messageBody = bytes.slice(at + 16, at + 16 + bodyLength);
    at += 16 + bodyLength;
    const topicLength = view.getInt8(at);
    const topic = textDecoder.decode(bytes.subarray(at + 1, at + 1 + topicLength));
    at += 1 + topicLength;
    const propertiesLength = view.getInt16(at);
    const properties = decodeProperties(textDecoder.decode(bytes.subarray(at + 2, at + 2 + propertiesLength)));
    let offsetMsgId = "";
    for (let i = storeHostAt; i < storeHostAt + storeLength + 4; i++) offsetMsgId += HEX[bytes[i]! >>> 4]! + HEX[bytes[i]! & 15]!;
    for (let i = p + 28; i < p + 36; i++) offsetMsgId += HEX[bytes[i]! >>> 4]! + HEX[bytes[i]! & 15]!;
    out.push({
      storeSize,
      bodyCRC: view.getInt32(p + 8),
      queueId: view.getInt32(p + 12),
      flag: view.getInt32(p + 16),
      queueOffset: Number(view.getBigInt64(p + 20)),
      commitLogOffset: Number(view.getBigInt64(p + 28)),
      sysFlag,
      bornTimestamp: Number(view.getBigInt64(p + 40)),
      bornHost,
      storeTimestamp,
      storeHost,
      reconsumeTimes,
      preparedTransactionOffset,
      body: messageBody,
      topic,
      properties,
      offsetMsgId,
      msgId: properties.UNIQ_KEY ?? offsetMsgId,
    });
    p += storeSize;
  }
  return out;
}

const variants: [string, () => unknown][] = [
  ["decodeMessageExts", () => do_not_optimize(decodeMessageExts(body))],
  ["straightforward decoder", () => do_not_optimize(straightforwardDecode(body))],
  [
    "decodeMessageExts, reading body + msgId",
    () => {
      let n = 0;
      for (const m of decodeMessageExts(body)) n += m.body.length + m.msgId.length;
      return do_not_optimize(n);
    },
  ],
  [
    "straightforward, reading body + msgId",
    () => {
      let n = 0;
      for (const m of straightforwardDecode(body)) n += (m.body as Uint8Array).length + (m.msgId as string).length;
      return do_not_optimize(n);
    },
  ],
];

const sendBody = new Uint8Array(128);
const sendMessage = { topic: "TopicBench", body: sendBody, tags: "TagA", keys: "order-1", properties: { color: "blue" } };
const sendVariant: [string, () => unknown] = [
  "build one send request (properties, UNIQ_KEY, header, command)",
  () => {
    const properties = messageProperties(sendMessage);
    properties.UNIQ_KEY = ids.next();
    const header = buildSendMessageRequestHeader({ producerGroup: "pg", topic: sendMessage.topic, queueId: 1, brokerName: "broker-a", properties, bornTimestamp: 1 });
    return do_not_optimize(createSendMessageRequest(header, sendBody));
  },
];

const rounds = Number(values.rounds);
const samples = new Map<string, number[]>();
console.log(`pull body: ${MESSAGES} records, ${body.length} bytes; ${rounds} rounds, A/B interleaved`);
for (let round = 0; round < rounds; round++) {
  const order = [...variants, sendVariant];
  for (let k = 0; k < round % order.length; k++) order.push(order.shift()!);
  for (const [name, fn] of order) {
    const stats = await measure(fn, { min_cpu_time: 300e6 });
    const list = samples.get(name) ?? [];
    list.push(stats.avg);
    samples.set(name, list);
  }
}
for (const [name, list] of samples) {
  const perMessage = name.startsWith("build") ? 1 : MESSAGES;
  const sorted = [...list].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(66)} ${(median(list) / perMessage).toFixed(1).padStart(8)} ns/${perMessage === 1 ? "call" : "message"}` +
      `  (rounds ${(sorted[0]! / perMessage).toFixed(1)}..${(sorted.at(-1)! / perMessage).toFixed(1)})`,
  );
}
