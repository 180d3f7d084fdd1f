/**
 * The ceiling of any producer on a broker: SEND_MESSAGE_V2 requests encoded once, one per queue of
 * the topic (rotated, as a producer rotates), written as they are by a RawStream, and the broker's
 * answers counted by their length prefix, never decoded. Bun sockets only. The send cases' raw
 * target (bench/suite) and the producer bench's "raw frames on Bun" (bench/producer/load.ts).
 */
import { RemotingClient, silentLogger } from "bun-remoting";
import { encodeFrame, RemotingVersion } from "bun-remoting/protocol";
import {
  buildSendMessageRequestHeader,
  createRouteInfoRequest,
  createSendMessageRequest,
  masterAddressOf,
  parseIpAndPort,
  parseTopicRouteData,
  topicRouteDataToPublishInfo,
  type MessageQueue,
} from "bun-remoting/rocketmq";
import { PrefixedAnswers } from "./answers.ts";
import { openBun, RawStream } from "./raw.ts";

/** The master port of the topic's first writable broker, and that broker's queues in a producer's send order, asked of the name server. */
async function route(nameServer: string, topic: string): Promise<{ port: number; queues: MessageQueue[] }> {
  const client = new RemotingClient({ logger: silentLogger });
  await client.start();
  try {
    const answer = await client.invokeSync(nameServer, createRouteInfoRequest(topic), 3000);
    const data = parseTopicRouteData(answer.body);
    const all = topicRouteDataToPublishInfo(topic, data).messageQueueList;
    const queues = all.filter((q) => q.brokerName === all[0]?.brokerName);
    const addr = queues.length === 0 ? undefined : masterAddressOf(data, queues[0]!.brokerName);
    if (addr === undefined) throw new Error(`no writable route for ${topic}`);
    return { port: parseIpAndPort(addr).port, queues };
  } finally {
    await client.shutdown();
  }
}

/** A raw connection to the master of `topic` (on 127.0.0.1) sending `body` to it, with room for `window` sends in flight. */
export async function rawSendStream(nameServer: string, topic: string, body: Uint8Array, window: number): Promise<RawStream> {
  const { port, queues } = await route(nameServer, topic);
  // One fixed message id: BrokerLite stores every send, it does not deduplicate.
  const frames = queues.map(({ queueId, brokerName }) => {
    const properties = { UNIQ_KEY: "7F00000100002A9F0000000000000000" };
    const header = buildSendMessageRequestHeader({ producerGroup: "GID_BENCH", topic, queueId, brokerName, properties });
    return encodeFrame(createSendMessageRequest(header, body, { serializeType: "ROCKETMQ", version: RemotingVersion.V4_9_8 }));
  });
  const stream = new RawStream(frames, window, new PrefixedAnswers());
  await openBun(stream, port);
  return stream;
}
