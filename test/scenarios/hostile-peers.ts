import assert from "node:assert/strict";
import type { RemotingClient, RemotingCommand, RemotingServer } from "../../src/surface.ts";
import { Random } from "../helpers/random.ts";
import { hostileInputs } from "../helpers/raw-frames.ts";
import { deferred, rejectionOf, waitFor, within } from "../helpers/promises.ts";
import type { RawConnection } from "../helpers/raw-peers.ts";
import { group } from "./scenario.ts";
import type { ScenarioHarness } from "./harness.ts";

const ECHO = 10;
const NEVER = 12;

async function targetServer(h: ScenarioHarness): Promise<{ server: RemotingServer; stats: { processed: number; exceptions: number; closes: number } }> {
  const stats = { processed: 0, exceptions: 0, closes: 0 };
  const server = await h.server({}, (s) => {
    s.registerProcessor(ECHO, (ctx, req) => (stats.processed++, h.echo(ctx, req)));
    s.setChannelEventListener({ onChannelException: () => stats.exceptions++, onChannelClose: () => stats.closes++ });
  });
  return { server, stats };
}

async function assertServing(h: ScenarioHarness, server: RemotingServer, client: RemotingClient, tag: string): Promise<void> {
  const response = await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { tag } }), 2000);
  assert.deepEqual(response.extFields, { tag });
}

// Malformed input closes that connection with no answer; other connections
// are not affected. The same holds for a client facing a misbehaving server.
export const hostilePeers = group("hostile peers", (scenario) => {
  for (const [name, bytes] of hostileInputs) {
    scenario(`a client sending ${name}: its connection is closed, nothing is sent back, other clients keep getting answers`, async (h) => {
      const { server, stats } = await targetServer(h);
      const good = h.client();
      await assertServing(h, server, good, "before");
      const raw = await h.rawClient(server.port);
      await raw.send(bytes);
      await within(raw.closed.promise, 2000, `the server to close the connection after ${name}`);
      assert.equal(raw.bytesReceived, 0);
      await assertServing(h, server, good, "after");
      assert.equal(stats.processed, 2);
      // CLOSE is the last event of a connection: once it arrived, every EXCEPTION it had has too.
      await waitFor(() => stats.closes === 1, "the CLOSE event");
      assert.equal(stats.exceptions, 1);
    });
  }

  scenario("a valid request followed by garbage in one write: the request is answered, then the connection closes", async (h) => {
    const { server, stats } = await targetServer(h);
    const raw = await h.rawClient(server.port);
    const request = h.lib.encodeFrame(h.lib.createRequest(ECHO, { opaque: 77 }));
    await raw.send(new Uint8Array([...request, ...new Random(7).bytes(100)]));
    await within(raw.closed.promise, 2000, "the close");
    assert.equal(stats.processed, 1);
    assert.ok(raw.frames.length <= 1);
    for (const f of raw.frames) assert.equal(f.opaque, 77);
  });

  scenario("a peer that closes mid-frame: the partial frame is never processed, others keep working", async (h) => {
    const { server, stats } = await targetServer(h);
    const frame = h.lib.encodeFrame(h.lib.createRequest(ECHO, { body: new Uint8Array(5000) }));
    const raw = await h.rawClient(server.port);
    await raw.send(frame.subarray(0, 3000));
    raw.end();
    await within(raw.closed.promise, 2000, "the close");
    await assertServing(h, server, h.client(), "still");
    assert.equal(stats.processed, 1);
  });

  scenario("a stray response sent to the server is dropped; the connection stays usable", async (h) => {
    const { server } = await targetServer(h);
    const raw = await h.rawClient(server.port);
    await raw.sendFrame(Object.assign(h.lib.createResponse(0, "stray"), { opaque: 12345 }));
    await raw.sendFrame(h.lib.createRequest(ECHO, { opaque: 5, extFields: { after: "stray" } }));
    const [answer] = await raw.waitForFrames(1);
    assert.equal(answer!.opaque, 5);
    assert.deepEqual(answer!.extFields, { after: "stray" });
    assert.equal(raw.isClosed, false);
  });

  scenario("a server sending garbage: the client closes, fails the pending calls at once, and reconnects next time", async (h) => {
    let garbage = true;
    const raw = await h.rawServer((conn, request) => {
      if (request.code !== NEVER) return;
      if (garbage) void conn.send(new Random(3).bytes(64));
      else conn.reply(request);
    });
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const t0 = performance.now();
    const error = await rejectionOf(client.invokeSync(addr, h.lib.createRequest(NEVER), 10_000));
    assert.ok(error instanceof h.lib.RemotingSendRequestError, String(error));
    assert.ok(performance.now() - t0 < 1000);
    garbage = false;
    assert.equal((await client.invokeSync(addr, h.lib.createRequest(NEVER), 3000)).remark, "raw");
    assert.equal(raw.connections.length, 2);
  });

  scenario("a server answering another connection's call (an opaque it was never sent): dropped, and the call is settled by its own connection", async (h) => {
    let held: { conn: RawConnection; request: RemotingCommand } | null = null;
    const heldArrived = deferred();
    const a = await h.rawServer((conn, request) => {
      held = { conn, request };
      heldArrived.resolve();
    });
    const b = await h.rawServer((conn, request) => {
      // The forged answer goes first: the client has read it once B's own answer arrives.
      void conn.sendFrame(Object.assign(h.lib.createResponse(0, "forged by B"), { opaque: held!.request.opaque }));
      conn.reply(request, h.lib.createResponse(0, "B"));
    });
    const client = h.client();
    let settled = false;
    const call = client.invokeSync(`127.0.0.1:${a.port}`, h.lib.createRequest(NEVER), 5000).finally(() => (settled = true));
    await heldArrived.promise;
    assert.equal((await client.invokeSync(`127.0.0.1:${b.port}`, h.lib.createRequest(NEVER), 3000)).remark, "B");
    assert.equal(settled, false, "B's forged answer did not settle A's call");
    held!.conn.reply(held!.request, h.lib.createResponse(0, "A"));
    assert.equal((await call).remark, "A");
    assert.equal(b.connections[0]!.isClosed, false, "B's connection stays open");
  });
});
