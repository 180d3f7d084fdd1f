/**
 * The library's bench server process: a RemotingServer of the build given as the first argument
 * (src/index.ts under Bun, dist/node.js under Node) that answers ECHO_CODE with the request's body.
 * Prints "LISTENING <port>"; shuts down when stdin closes. (The send cases run against
 * bench/producer/broker.ts instead.)
 */
import { registerEcho } from "./echo.ts";

type Library = Pick<typeof import("../../src/index.ts"), "RemotingServer" | "createResponse" | "silentLogger">;

const lib = (await import(process.argv[2]!)) as Library;
const server = new lib.RemotingServer({ host: "127.0.0.1", port: 0, logger: lib.silentLogger });
registerEcho(lib, server);
await server.start();
console.log(`LISTENING ${server.port}`);
process.stdin.resume();
process.stdin.on("end", () => void server.shutdown().then(() => process.exit(0)));
