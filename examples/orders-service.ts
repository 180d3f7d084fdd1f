/**
 * A Bun service that produces and consumes: POST /orders publishes the order to the "Orders" topic,
 * and a consumer loop of the "billing" group processes each one (a failure is retried later).
 *
 *   bun examples/orders-service.ts --lite        everything in one process, on an in-memory RocketMQ
 *   bun examples/orders-service.ts               against a cluster: NAMESRV=host:port (default 127.0.0.1:9876),
 *                                                e.g. the one `bun-remoting lite` starts
 *
 *   curl -d '{"item":"book","amount":12}' localhost:3000/orders
 */
import { BrokerLite, NameServerLite } from "bun-remoting/lite";
import { Consumer, Producer } from "bun-remoting/rocketmq";

const onLite = process.argv.includes("--lite");
const stack = new AsyncDisposableStack();
let nameServer = process.env.NAMESRV ?? "127.0.0.1:9876";
if (onLite) {
  const namesrv = stack.use(new NameServerLite({ host: "127.0.0.1", port: 0 }));
  await namesrv.start();
  nameServer = `127.0.0.1:${namesrv.port}`;
  const broker = stack.use(new BrokerLite({ host: "127.0.0.1", port: 0, nameServers: [nameServer] }));
  await broker.start();
  await broker.createTopic("Orders", 4);
}

const producer = stack.use(new Producer({ nameServers: [nameServer], group: "orders_api" }));
await producer.start();
const consumer = stack.use(new Consumer({ nameServers: [nameServer], group: "billing", topic: "Orders" }));
await consumer.start();

const http = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  async fetch(request) {
    if (request.method !== "POST" || new URL(request.url).pathname !== "/orders") return new Response("POST /orders\n", { status: 404 });
    const order = await request.text();
    const sent = await producer.send({ topic: "Orders", body: order, tags: "created" });
    return Response.json({ msgId: sent.msgId, queue: sent.queue.queueId, offset: sent.queueOffset });
  },
});
console.log(`POST http://localhost:${http.port}/orders (name server ${nameServer})`);

const stop = async () => {
  await http.stop();
  await stack.disposeAsync(); // consumer, producer, then the lite servers: the reverse of their start
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

for await (const message of consumer) {
  const order = JSON.parse(new TextDecoder().decode(message.body)) as { item?: string; amount?: number };
  if (typeof order.amount !== "number") {
    await consumer.retryLater(message); // comes again through billing's retry topic
    continue;
  }
  console.log(`billed ${order.amount} for ${order.item ?? "?"} (${message.msgId}, try ${message.reconsumeTimes + 1})`);
}
