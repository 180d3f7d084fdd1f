/**
 * The library's bench server as I/O workers: startIoWorkers from the build given as the first
 * argument (src/index.ts under Bun, dist/node.js under Node), with as many threads as the second
 * argument, each running its own RemotingServer on the shared port with the echo processor
 * (bench/e2e/io-setup.ts). Prints "LISTENING <port>"; shuts down when stdin closes.
 */
import { IO_SETUP_LIBRARY } from "./io-setup.ts";

type Library = Pick<typeof import("../../src/index.ts"), "startIoWorkers" | "silentLogger">;

const [entry, threads] = [process.argv[2]!, Number(process.argv[3])];
const lib = (await import(entry)) as Partial<Library>;
if (lib.startIoWorkers === undefined || lib.silentLogger === undefined) {
  process.stderr.write(`${entry} has no startIoWorkers (a revision before I/O workers)\n`);
  process.exit(1);
}
// The workers' setup module takes the library from here: it must echo with the build measured.
process.env[IO_SETUP_LIBRARY] = entry;
const module = new URL(`./io-setup.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url);
const workers = await lib.startIoWorkers({ host: "127.0.0.1", port: 0, workers: threads, module, logger: lib.silentLogger });
console.log(`LISTENING ${workers.port}`);
process.stdin.resume();
process.stdin.on("end", () => void workers.shutdown().then(() => process.exit(0)));
