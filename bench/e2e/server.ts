/**
 * The e2e bench server process: a RemotingServer of the runtime's own build ("bun-remoting" is the
 * Bun sources under Bun, dist/ under Node) that answers ECHO_CODE with the request's body.
 * Prints "LISTENING <port>"; shuts down when stdin closes.
 */
import { createResponse, RemotingServer, silentLogger } from "bun-remoting";
import { ECHO_CODE } from "./cases.ts";

const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger });
server.registerProcessor(ECHO_CODE, (_ctx, request) => createResponse(0, null, { body: request.body, serializeType: request.serializeType }));
await server.start();
console.log(`LISTENING ${server.port}`);
process.stdin.resume();
process.stdin.on("end", () => void server.shutdown().then(() => process.exit(0)));
