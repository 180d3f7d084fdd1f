import assert from "node:assert/strict";
import type { SocketHandler, Transport, TransportSocket } from "../../src/surface.ts";
import { LOCALHOST_CERT, LOCALHOST_KEY } from "../fixtures/tls-localhost.ts";
import { deferred, rejectionOf, waitFor, within } from "../helpers/promises.ts";
import { HOST } from "../helpers/endpoint-harness.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 10;

/** The node:net transport of the library under test (only node builds have one). */
function nodeTransportOf(h: ScenarioHarness): Transport {
  const transport = (h.lib as { nodeTransport?: Transport }).nodeTransport;
  assert.ok(transport !== undefined, "this build has no nodeTransport");
  return transport;
}

/** The localhost certificate as server TLS material. */
const SERVER_TLS = { key: LOCALHOST_KEY, cert: LOCALHOST_CERT };

/** A socket handler that records what happens to its socket. */
class Recorder implements SocketHandler {
  readonly chunks: Uint8Array[] = [];
  received = 0;
  drains = 0;
  closes = 0;
  closeError: Error | undefined;
  readonly closed = deferred();
  onData(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.received += chunk.length;
  }
  onDrain(): void {
    this.drains++;
  }
  onClose(error?: Error): void {
    this.closes++;
    this.closeError = error;
    this.closed.resolve();
  }
}

/** A listener and one connected pair on the transport: the dialled socket and the accepted one. */
async function socketPair(h: ScenarioHarness, transport: Transport) {
  const serverSide = new Recorder();
  const clientSide = new Recorder();
  const accepted = deferred<TransportSocket>();
  const listener = await transport.listen({ host: HOST, port: 0 }, (socket) => (accepted.resolve(socket), serverSide));
  h.defer(() => listener.close());
  const socket = await transport.connect({ host: HOST, port: listener.port, timeoutMs: 3000 }, () => clientSide);
  h.defer(() => socket.destroy());
  const peer = await accepted.promise;
  h.defer(() => peer.destroy());
  return { socket, peer, serverSide, clientSide };
}

/** Bytes offset..offset+length of an endless 0..250 sequence, so concatenated writes can be checked. */
function pattern(length: number, offset: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (offset + i) % 251;
  return bytes;
}

// The node:net transport's own contract (src/core/transport.ts) and what only it offers here: TLS
// on both ends, and reusePort where the runtime's net.Server.listen has it.
export const nodeTransport = group("node:net transport", (scenario) => {
  scenario("write takes whole arrays, then 0 while Node's buffer is over its mark, until onDrain; every byte arrives in order", async (h) => {
    const { socket, peer, serverSide, clientSide } = await socketPair(h, nodeTransportOf(h));
    assert.equal(socket.retainsWrittenBytes, true);
    peer.pause();
    const CHUNK = 256 * 1024;
    let taken = 0;
    let writes = 0;
    // Node takes the first array whole (it buffers what the kernel refuses) and owes a drain.
    for (let n = socket.write(pattern(CHUNK, 0)); n > 0; n = socket.write(pattern(CHUNK, taken))) {
      assert.equal(n, CHUNK);
      taken += n;
      writes++;
    }
    assert.ok(writes >= 1);
    assert.equal(socket.write(pattern(CHUNK, taken)), 0);
    peer.resume();
    await waitFor(() => clientSide.drains > 0, "onDrain");
    const more = pattern(CHUNK, taken);
    assert.equal(socket.write(more), CHUNK);
    taken += CHUNK;
    await waitFor(() => serverSide.received === taken, `all ${taken} bytes at the peer`, 10_000);
    const all = Buffer.concat(serverSide.chunks);
    assert.equal(Buffer.compare(all, pattern(taken, 0)), 0);
    // Chunks reach the core as plain Uint8Arrays (not Buffers), so decoded bodies are plain too.
    assert.ok(serverSide.chunks.every((c) => Object.getPrototypeOf(c) === Uint8Array.prototype));
  });

  scenario("end(): onClose runs at once, exactly once; writes then return -1; the peer still gets every byte, then the close", async (h) => {
    const { socket, serverSide, clientSide } = await socketPair(h, nodeTransportOf(h));
    const bytes = pattern(3 * 1024 * 1024, 7);
    assert.equal(socket.write(bytes), bytes.length);
    socket.end();
    assert.equal(clientSide.closes, 1);
    assert.equal(socket.write(new Uint8Array(10)), -1);
    socket.end();
    await within(serverSide.closed.promise, 5000, "the peer's close");
    assert.equal(serverSide.received, bytes.length);
    assert.equal(Buffer.compare(Buffer.concat(serverSide.chunks), bytes), 0);
    assert.equal(clientSide.closes, 1);
  });

  scenario("destroy() resets the connection: the peer's onClose gets the error", async (h) => {
    const { socket, peer, serverSide } = await socketPair(h, nodeTransportOf(h));
    socket.write(new Uint8Array(100));
    await waitFor(() => serverSide.received === 100, "the first bytes");
    peer.write(new Uint8Array(10)); // unread data at close time makes it a reset on every kernel
    socket.destroy();
    await within(serverSide.closed.promise, 3000, "the peer's close");
    assert.equal(serverSide.closes, 1);
    assert.match(String((serverSide.closeError as NodeJS.ErrnoException | undefined)?.code), /ECONNRESET|EPIPE/);
  });

  scenario("TLS both ways: a verified client calls a TLS server, small, pipelined and 1 MiB bodies", async (h) => {
    const transport = nodeTransportOf(h);
    const server = await h.server({ transport, tlsMode: "enforcing", tls: SERVER_TLS }, (s) => s.registerProcessor(ECHO, h.echo));
    const client = h.client({ transport, useTLS: true, tls: { ca: LOCALHOST_CERT, serverName: "localhost" } });
    const body = pattern(1024 * 1024, 3);
    const big = await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { body }), 5000);
    assert.equal(Buffer.compare(big.body!, body), 0);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { i: String(i) } }), 5000)));
    assert.deepEqual(answers.map((a) => a.extFields!.i), Array.from({ length: 200 }, (_, i) => String(i)));
  });

  scenario("TLS: an unverifiable certificate is a RemotingConnectError caused by a RemotingTlsError; rejectUnauthorized false accepts it; a plaintext client fails fast", async (h) => {
    const transport = nodeTransportOf(h);
    const server = await h.server({ transport, tlsMode: "enforcing", tls: SERVER_TLS }, (s) => s.registerProcessor(ECHO, h.echo));
    const addr = h.addrOf(server);
    const untrusting = h.client({ transport, useTLS: true, tls: { serverName: "localhost" } });
    const refused = await rejectionOf(untrusting.invokeSync(addr, h.lib.createRequest(ECHO), 3000));
    assert.ok(refused instanceof h.lib.RemotingConnectError);
    // The same typed cause as on Bun's transport: a RemotingTlsError naming the certificate error.
    assert.ok(refused.cause instanceof h.lib.RemotingTlsError, String(refused.cause));
    assert.match((refused.cause as Error).message, /^TLS handshake with 127\.0\.0\.1:\d+ failed: [A-Z_]+$/);
    const trusting = h.client({ transport, useTLS: true, tls: { rejectUnauthorized: false } });
    assert.equal((await trusting.invokeSync(addr, h.lib.createRequest(ECHO), 3000)).code, 0);
    const plain = h.client({ transport }); // enforcing: plaintext is refused
    const t0 = performance.now();
    assert.ok((await rejectionOf(plain.invokeSync(addr, h.lib.createRequest(ECHO), 5000))) instanceof h.lib.RemotingError);
    assert.ok(performance.now() - t0 < 3000);
  });

  scenario("permissive TLS over node:net: TLS and plaintext clients are served on one port", async (h) => {
    const transport = nodeTransportOf(h);
    const server = await h.server({ transport, tls: SERVER_TLS }, (s) => s.registerProcessor(ECHO, h.echo));
    const addr = h.addrOf(server);
    const secure = h.client({ transport, useTLS: true, tls: { ca: LOCALHOST_CERT, serverName: "localhost" } });
    const plain = h.client({ transport });
    const body = pattern(200_000, 7);
    for (const client of [secure, plain]) {
      const answer = await client.invokeSync(addr, h.lib.createRequest(ECHO, { body }), 5000);
      assert.equal(Buffer.compare(answer.body!, body), 0);
    }
  });

  scenario("reusePort: two listeners share a port where net.Server.listen supports it, otherwise a clear error", async (h) => {
    const transport = nodeTransportOf(h);
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
    const supported = process.versions.bun !== undefined || major >= 24 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
    const accept = () => new Recorder();
    if (!supported) {
      const error = await rejectionOf(transport.listen({ host: HOST, port: 0, reusePort: true }, accept));
      assert.match(error.message, /reusePort needs Node 22\.12/);
      return;
    }
    const a = await transport.listen({ host: HOST, port: 0, reusePort: true }, accept);
    h.defer(() => a.close());
    const b = await transport.listen({ host: HOST, port: a.port, reusePort: true }, accept);
    h.defer(() => b.close());
    assert.equal(b.port, a.port);
  });
});
