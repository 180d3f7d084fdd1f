/**
 * The server of bench/executors.bench.ts, in its own process: the same two processors inline and
 * in worker groups of 1 and 2 (whose threads get the niceness given as the first argument, default
 * 10 as the groups' own default). Prints {"port": n} once listening; exits on SIGTERM, or when its
 * standard input closes (the bench process is gone, however it ended).
 */
import { RemotingServer, silentLogger, WorkerExecutorGroup } from "../../src/index.ts";
import { Code, heavy, trivial } from "./processors.ts";

const module = new URL("./processors.ts", import.meta.url);
const niceness = Number(process.argv[2] ?? 10);
const group1 = new WorkerExecutorGroup({ module, size: 1, name: "group-of-1", niceness });
const group2 = new WorkerExecutorGroup({ module, size: 2, name: "group-of-2", niceness });
await Promise.all([group1.ready(), group2.ready()]);

const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger, maxInFlightRequests: 4096 });
server.registerProcessor(Code.HEAVY_INLINE, heavy);
server.registerProcessor(Code.HEAVY_GROUP1, "heavy", group1);
server.registerProcessor(Code.HEAVY_GROUP2, "heavy", group2);
server.registerProcessor(Code.TRIVIAL_INLINE, trivial);
server.registerProcessor(Code.TRIVIAL_GROUP1, "trivial", group1);
await server.start();
console.log(JSON.stringify({ port: server.port }));

async function stop(): Promise<void> {
  await server.shutdown();
  await Promise.all([group1.shutdown(), group2.shutdown()]);
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.stdin.on("close", () => void stop());
process.stdin.resume();
