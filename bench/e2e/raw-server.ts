/**
 * The raw echo server: writes back every byte it receives, as it receives it (Bun.listen under Bun,
 * node:net under Node). The limit the library's server is compared with. With a thread count as
 * its argument, that many worker threads each listen on the shared port (reusePort), as the
 * library's I/O workers do. Prints "LISTENING <port>"; exits when stdin closes.
 */
import { createServer } from "node:net";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

interface Listen {
  port: number;
  reusePort: boolean;
}

function listenBun({ port, reusePort }: Listen): number {
  const listener = Bun.listen<{ backlog: Uint8Array[] }>({
    hostname: "127.0.0.1",
    port,
    ...(reusePort && { reusePort }),
    socket: {
      open(socket) {
        socket.data = { backlog: [] };
      },
      data(socket, chunk) {
        const backlog = socket.data.backlog;
        if (backlog.length > 0) {
          backlog.push(chunk);
          return;
        }
        const n = socket.write(chunk);
        if (n >= 0 && n < chunk.length) backlog.push(chunk.subarray(n));
      },
      drain(socket) {
        const backlog = socket.data.backlog;
        while (backlog.length > 0) {
          const head = backlog[0]!;
          const n = socket.write(head);
          if (n < 0) return;
          if (n < head.length) {
            backlog[0] = head.subarray(n);
            return;
          }
          backlog.shift();
        }
      },
    },
  });
  return listener.port;
}

async function listenNode({ port, reusePort }: Listen): Promise<number> {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on("data", (chunk) => socket.write(chunk));
    socket.on("error", () => {});
  });
  // reusePort: Node 22.12 and later (the runner does not ask older ones).
  await new Promise<void>((resolve) => server.listen({ port, host: "127.0.0.1", ...(reusePort && { reusePort }) }, resolve));
  return (server.address() as { port: number }).port;
}

const listen = (options: Listen): Promise<number> => (typeof Bun !== "undefined" ? Promise.resolve(listenBun(options)) : listenNode(options));

/** A listening thread on `port` (0: a free one); resolves with the port it listens on. */
function thread(port: number): Promise<number> {
  const worker = new Worker(new URL(import.meta.url), { workerData: port });
  worker.unref();
  return new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

if (!isMainThread) {
  parentPort!.postMessage(await listen({ port: workerData as number, reusePort: true }));
} else {
  const threads = Number(process.argv[2] ?? 0);
  let port: number;
  if (threads > 0) {
    port = await thread(0);
    await Promise.all(Array.from({ length: threads - 1 }, () => thread(port)));
  } else port = await listen({ port: 0, reusePort: false });
  console.log(`LISTENING ${port}`);
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}
