/**
 * A NameServer-compatible service kept in memory (bun-remoting/lite's NameServerLite): point brokers
 * (namesrvAddr=127.0.0.1:9876) or stock RocketMQ clients at it.
 *
 *   bun examples/namesrv-lite.ts [port]        (default 9876; PORT in the environment works too)
 *
 * `bun-remoting lite` starts one together with an in-memory broker.
 */
import { NameServerLite } from "bun-remoting/lite";

const port = Number(process.argv[2] ?? process.env.PORT ?? 9876);
await using namesrv = new NameServerLite({ port });
await namesrv.start();
console.log(`namesrv-lite listening on port ${namesrv.port}`);
await new Promise((resolve) => {
  process.once("SIGINT", resolve);
  process.once("SIGTERM", resolve);
});
