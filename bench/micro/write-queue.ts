import { do_not_optimize } from "mitata";
import { importFirst, type MicroModule } from "./micro.ts";

type Library = typeof import("../../src/index.ts");
type Queue = typeof import("../../src/core/connection/write-queue.ts");
type Socket = import("../../src/core/transport.ts").TransportSocket;

/** The write queue (encode into the batch, one socket write per flush) over a socket that takes everything. */
export const writeQueueBenches: MicroModule = async (root) => {
  const lib = (await import(`${root}src/index.ts`)) as Library;
  const { WriteQueue } = await importFirst<Queue>(root, ["src/core/connection/write-queue.ts", "src/core/write-queue.ts"]);
  let written = 0;
  const socket: Socket = {
    write: (bytes) => ((written += bytes.length), bytes.length),
    retainsWrittenBytes: false,
    end() {},
    destroy() {},
    pause() {},
    resume() {},
    remoteAddress: "127.0.0.1:1",
    localAddress: "127.0.0.1:2",
  };
  const queue = new WriteQueue(socket, { highWaterMark: 1 << 20, lowWaterMark: 1 << 18, maxFrameLength: 1 << 24, maxHeaderLength: 1 << 20 }, () => {});
  const command = (bodyBytes: number) => lib.createResponse(0, null, { opaque: 7, body: new Uint8Array(bodyBytes).fill(7), serializeType: "ROCKETMQ" });
  const small = command(64);
  const large = command(64 * 1024);
  const frames = (cmd: ReturnType<typeof command>, n: number) => () => {
    queue.hold();
    for (let k = 0; k < n; k++) queue.enqueue(cmd);
    queue.release();
    return do_not_optimize(written);
  };
  const group = "WriteQueue: enqueue, then one flush";
  return [
    { group, name: "64 answers of 64 B (a pipelined batch)", fn: frames(small, 64), perCall: 64, unit: "frames", short: true },
    { group, name: "1 answer of 64 B", fn: frames(small, 1), perCall: 1, unit: "frames" },
    { group, name: "1 answer of 64 KiB (body written as is)", fn: frames(large, 1), perCall: 1, unit: "frames" },
  ];
};
