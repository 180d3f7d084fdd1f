/**
 * The broker of the producer benchmarks (the suite's send cases and bench/producer.bench.ts): a
 * NameServerLite and a BrokerLite in one Bun process, always this working tree's sources (so every
 * producer measured sends to the same broker), the bench topic created up front. Prints
 * "LISTENING <name server port>" (as the suite's servers do); shuts down when stdin closes.
 */
import { BrokerLite, NameServerLite } from "../../src/lite/index.ts";
import { silentLogger } from "../../src/index.ts";
import { SEND_TOPIC } from "../e2e/cases.ts";

const namesrv = new NameServerLite({ host: "127.0.0.1", port: 0, logger: silentLogger });
await namesrv.start();
// Small retention: the bench measures sending, not the broker's memory.
const broker = new BrokerLite({ host: "127.0.0.1", port: 0, logger: silentLogger, nameServers: [`127.0.0.1:${namesrv.port}`], maxMessages: 100_000 });
await broker.start();
await broker.createTopic(SEND_TOPIC, 4);
console.log(`LISTENING ${namesrv.port}`);
process.stdin.resume();
process.stdin.on("end", () => void Promise.all([broker.shutdown(), namesrv.shutdown()]).then(() => process.exit(0)));
