/**
 * The broker side of bench/producer.bench.ts: a NameServerLite and a BrokerLite in one Bun process
 * (the library's own sources), the bench topic created up front. Prints "READY <name server>".
 */
import { BrokerLite, NameServerLite } from "../../src/lite/index.ts";
import { silentLogger } from "../../src/index.ts";

const BENCH_TOPIC = "BenchTopic";

const namesrv = new NameServerLite({ host: "127.0.0.1", port: 0, logger: silentLogger });
await namesrv.start();
const nameServer = `127.0.0.1:${namesrv.port}`;
// Small retention: the bench measures sending, not the broker's memory.
const broker = new BrokerLite({ host: "127.0.0.1", port: 0, logger: silentLogger, nameServers: [nameServer], maxMessages: 100_000 });
await broker.start();
await broker.createTopic(BENCH_TOPIC, 4);
console.log(`READY ${nameServer}`);
process.stdin.resume();
process.stdin.on("end", () => void Promise.all([broker.shutdown(), namesrv.shutdown()]).then(() => process.exit(0)));
