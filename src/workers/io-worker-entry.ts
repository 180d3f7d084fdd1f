/**
 * An I/O worker: runs one RemotingServer on the shared port (reusePort), on this runtime's own
 * sockets, set up by the user's module. Its log lines go to the main thread's logger. Started by
 * startIoWorkers; never imported by the library itself.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { RemotingServer } from "../core/endpoint/remoting-server.ts";
import type { Logger } from "../core/observability/logger.ts";
import type { IoWorkerCleanup, IoWorkerSetup } from "./io-worker-setup.ts";
import { failedMessage, type FromIoWorker, type IoWorkerInit, type LogLevel, type ToIoWorker } from "./worker-messages.ts";

const init = workerData as IoWorkerInit;
const port = parentPort!;

function post(message: FromIoWorker): void {
  port.postMessage(message);
}

function describe(detail: unknown): string {
  return detail instanceof Error ? (detail.stack ?? `${detail.name}: ${detail.message}`) : String(detail);
}

const forward =
  (level: LogLevel) =>
  (message: string, ...details: unknown[]): void =>
    post({ type: "log", level, message: [message, ...details.map(describe)].join(" ") });

const logger: Logger = { debug: forward("debug"), info: forward("info"), warn: forward("warn"), error: forward("error") };

let server: RemotingServer | null = null;
let cleanup: IoWorkerCleanup | null = null;

async function stop(): Promise<void> {
  try {
    await server?.shutdown();
    await cleanup?.();
  } catch (error) {
    logger.error("I/O worker cleanup failed", error);
  }
  process.exit(0);
}

port.on("message", (message: ToIoWorker) => {
  if (message.type === "shutdown") void stop();
  else if (server !== null) post({ type: "stats", id: message.id, stats: server.stats });
});

try {
  // This runtime's package root: Bun sockets under Bun, node:net under Node.
  const root = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? await import("../index.ts") : await import("../node.ts");
  server = new root.RemotingServer({ ...init.options, host: init.host, port: init.port, reusePort: true, logger });
  const exports = (await import(init.module)) as { setup?: unknown; default?: unknown };
  const setup = exports.setup ?? exports.default;
  if (typeof setup !== "function") throw new TypeError(`I/O workers module ${init.module} must export a setup(server, worker) function (named "setup", or the default export)`);
  const result = await (setup as IoWorkerSetup)(server, { index: init.index, count: init.count, logger });
  if (typeof result === "function") cleanup = result;
  await server.start();
  post({ type: "listening", port: server.port });
} catch (error) {
  post(failedMessage(error));
  process.exit(1);
}
