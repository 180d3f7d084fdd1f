/**
 * The raw echo server: writes back every byte it receives, as it receives it (Bun.listen under Bun,
 * node:net under Node). The limit the library's server is compared with. Prints "LISTENING <port>";
 * exits when stdin closes.
 */
import { createServer } from "node:net";

function listenBun(): number {
  const listener = Bun.listen<{ backlog: Uint8Array[] }>({
    hostname: "127.0.0.1",
    port: 0,
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

async function listenNode(): Promise<number> {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on("data", (chunk) => socket.write(chunk));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

const port = typeof Bun !== "undefined" ? listenBun() : await listenNode();
console.log(`LISTENING ${port}`);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
