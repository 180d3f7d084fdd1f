/**
 * What TLS costs per request (mitata): round trips through RemotingClient and RemotingServer in one
 * process, plaintext against TLS on the same permissive server (the server's TLS runs in node:tls
 * over the accepted socket; the client's in Bun). One call at a time, and 64 concurrent calls.
 * Certificates are made on the fly with openssl (test/helpers/certs.ts).
 *   taskset -c 1 bun bench/tls.bench.ts [--json]
 */
import { bench, group, run, summary } from "mitata";
import { createRequest, createResponse, RemotingClient, RemotingServer, silentLogger } from "../src/index.ts";
import { testCerts } from "../test/helpers/certs.ts";

const certs = testCerts();
const server = new RemotingServer({ host: "127.0.0.1", port: 0, logger: silentLogger, tls: { key: certs.serverKey, cert: certs.serverCert } });
server.registerProcessor(10, (_ctx, request) => createResponse(0, null, { body: request.body }));
await server.start();
const addr = `127.0.0.1:${server.port}`;
const clients = {
  plaintext: new RemotingClient({ logger: silentLogger }),
  tls: new RemotingClient({ logger: silentLogger, useTLS: true, tls: { ca: certs.ca } }),
};
const body = new Uint8Array(64).fill(7);
for (const client of Object.values(clients)) await client.invokeSync(addr, createRequest(10, { body }), 3000);

const call = (client: RemotingClient): Promise<unknown> => client.invokeSync(addr, createRequest(10, { body }), 3000);

for (const concurrency of [1, 64]) {
  summary(() => {
    group(`round trip, 64-byte body, ${concurrency} at a time`, () => {
      for (const [name, client] of Object.entries(clients)) {
        bench(name, () => (concurrency === 1 ? call(client) : Promise.all(Array.from({ length: concurrency }, () => call(client)))));
      }
    });
  });
}

await run({ format: process.argv.includes("--json") ? "json" : "mitata" });
for (const client of Object.values(clients)) await client.shutdown();
await server.shutdown();
