/**
 * The "raw frames" target of the producer bench: the ceiling of any producer on this broker. Its
 * SEND_MESSAGE_V2 requests are encoded once, one per queue, before anything is measured; each send
 * writes one of them as it is, and answers are only counted by their length prefix, never decoded.
 * Sends made in one turn go out in one socket write, as the library's transport does, and each send
 * is a promise, as every measured producer's is. Bun sockets only.
 */
import { encodeFrame, RemotingVersion } from "bun-remoting/protocol";
import { RemotingClient, silentLogger } from "bun-remoting";
import { buildSendMessageRequestHeader, createRouteInfoRequest, createSendMessageRequest, parseTopicRouteData } from "bun-remoting/rocketmq";

export interface RawSender {
  send(): Promise<void>;
  close(): Promise<void>;
}

/** The topic's first broker master and its write queues, from the name server. */
async function route(nameServer: string, topic: string): Promise<{ addr: string; brokerName: string; queues: number }> {
  const client = new RemotingClient({ logger: silentLogger });
  await client.start();
  try {
    const answer = await client.invokeSync(nameServer, createRouteInfoRequest(topic), 3000);
    const data = parseTopicRouteData(answer.body);
    const broker = data.brokerDatas[0];
    const addr = broker?.brokerAddrs["0"];
    const queues = data.queueDatas.find((q) => q.brokerName === broker?.brokerName)?.writeQueueNums ?? 0;
    if (broker === undefined || addr === undefined || queues === 0) throw new Error(`no writable route for ${topic}`);
    return { addr, brokerName: broker.brokerName, queues };
  } finally {
    await client.shutdown();
  }
}

export async function openRawSender(nameServer: string, topic: string, group: string, body: Uint8Array): Promise<RawSender> {
  const { addr, brokerName, queues } = await route(nameServer, topic);
  // One fixed message id: BrokerLite stores every send; it does not deduplicate.
  const frames = Array.from({ length: queues }, (_, queueId) => {
    const header = buildSendMessageRequestHeader({ producerGroup: group, topic, queueId, brokerName, properties: { UNIQ_KEY: "7F00000100002A9F0000000000000000" } });
    return encodeFrame(createSendMessageRequest(header, body, { serializeType: "ROCKETMQ", version: RemotingVersion.V4_9_8 }));
  });
  const waiting: (() => void)[] = [];
  let head = 0;
  let unwritten: Uint8Array[] = [];
  let flushQueued = false;
  let next = 0;
  // The answer being read: its length prefix while incomplete, then the bytes left to skip.
  const prefix = new Uint8Array(4);
  let prefixHave = 0;
  let skip = 0;

  const answered = (): void => {
    const resolve = waiting[head]!;
    waiting[head++] = undefined as never;
    if (head === waiting.length) {
      waiting.length = 0;
      head = 0;
    }
    resolve();
  };
  const flush = (): void => {
    flushQueued = false;
    const out = unwritten.length === 1 ? unwritten[0]! : Buffer.concat(unwritten);
    unwritten = [];
    const n = socket.write(out);
    if (n < 0) return;
    if (n < out.length) unwritten.push(out.subarray(n));
  };
  const socket = await Bun.connect({
    hostname: addr.slice(0, addr.lastIndexOf(":")),
    port: Number(addr.slice(addr.lastIndexOf(":") + 1)),
    socket: {
      data(_socket, chunk: Uint8Array) {
        let at = 0;
        while (at < chunk.length) {
          if (skip > 0) {
            const n = Math.min(skip, chunk.length - at);
            skip -= n;
            at += n;
            if (skip === 0) answered();
            continue;
          }
          prefix[prefixHave++] = chunk[at++]!;
          if (prefixHave === 4) {
            prefixHave = 0;
            skip = new DataView(prefix.buffer).getInt32(0);
          }
        }
      },
      drain() {
        if (unwritten.length > 0) flush();
      },
    },
  });
  return {
    send() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        unwritten.push(frames[next++ % frames.length]!);
        if (!flushQueued) {
          flushQueued = true;
          queueMicrotask(flush);
        }
      });
    },
    async close() {
      socket.end();
    },
  };
}
