/**
 * The library's bench server process: a RemotingServer of the build given as the first argument
 * (src/index.ts under Bun, dist/node.js under Node) that answers ECHO_CODE with the request's body,
 * and acts as the NameServer and the Broker of a producer (the send cases): every topic is routed
 * to this server, and SEND_MESSAGE_V2 is answered with a SendMessageResponseHeader.
 * Prints "LISTENING <port>"; shuts down when stdin closes.
 */
import { SEND_CODE } from "./cases.ts";
import { registerEcho } from "./echo.ts";

type Library = Pick<typeof import("../../src/index.ts"), "RemotingServer" | "createResponse" | "silentLogger" | "RequestCode">;
type RocketMQ = Partial<Pick<typeof import("../../src/rocketmq/index.ts"), "encodeTopicRouteData">>;

const entry = process.argv[2]!;
const lib = (await import(entry)) as Library & RocketMQ;
// The RocketMQ layer sits beside the root (src/rocketmq/index.ts, dist/rocketmq/index.js); some older revisions exported it from the root.
const rocketmqEntry = entry.replace(/(index\.ts|node\.js)$/, (file) => `rocketmq/index.${file.endsWith(".ts") ? "ts" : "js"}`);
const rocketmq = (await import(rocketmqEntry).catch(() => lib)) as RocketMQ;
const server = new lib.RemotingServer({ host: "127.0.0.1", port: 0, logger: lib.silentLogger });
registerEcho(lib, server);

// Broker and NameServer for a producer; revisions older than the RocketMQ bodies have no route encoder.
const encodeRoute = rocketmq.encodeTopicRouteData ?? lib.encodeTopicRouteData;
if (encodeRoute !== undefined) {
  let route: Uint8Array | null = null;
  let offset = 0;
  server.registerProcessor(lib.RequestCode.GET_ROUTEINFO_BY_TOPIC, () => lib.createResponse(0, null, { body: route }));
  server.registerProcessor(SEND_CODE, (_ctx, request) =>
    lib.createResponse(0, null, { extFields: { msgId: "7F00000100002A9F0000000000000000", queueId: request.extFields?.e ?? "0", queueOffset: String(offset++) }, serializeType: request.serializeType }),
  );
  for (const code of [lib.RequestCode.HEART_BEAT, lib.RequestCode.UNREGISTER_CLIENT]) server.registerProcessor(code, () => lib.createResponse(0, null));
  await server.start();
  route = encodeRoute({
    queueDatas: [{ brokerName: "bench-broker", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
    brokerDatas: [{ cluster: "bench", brokerName: "bench-broker", brokerAddrs: { "0": `127.0.0.1:${server.port}` } }],
    filterServerTable: {},
  });
} else await server.start();
console.log(`LISTENING ${server.port}`);
process.stdin.resume();
process.stdin.on("end", () => void server.shutdown().then(() => process.exit(0)));
