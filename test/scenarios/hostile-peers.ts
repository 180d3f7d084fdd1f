import assert from "node:assert/strict";
import type { RemotingClient, RemotingServer } from "../../src/surface.ts";
import { Random } from "../helpers/random.ts";
import { rejectionOf, sleep, waitFor, within } from "../helpers/promises.ts";
import { group } from "./scenario.ts";
import type { ScenarioHarness } from "./harness.ts";

const ECHO = 10;
const NEVER = 12;

const int32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const text = (s: string): number[] => Array.from(new TextEncoder().encode(s));

/** A well-formed JSON frame around an arbitrary header text. */
function jsonFrame(header: string): Uint8Array {
  const hb = text(header);
  return new Uint8Array([...int32(4 + hb.length), 0, ...int32(hb.length).slice(1), ...hb]);
}

/** Byte streams a remoting peer must refuse by closing the connection (§1.2, §8.5.4), never answering. */
const hostileInputs: [string, Uint8Array][] = [
  ["random garbage", new Random(42).bytes(2000)],
  ["an HTTP request", new TextEncoder().encode("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")],
  ["a TLS ClientHello", new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, ...new Random(1).bytes(40)])],
  ["a frame length over 16 MiB - 4", new Uint8Array([...int32(16_777_213), 0, 0, 0, 0])],
  ["a negative frame length", new Uint8Array([...int32(0x80000000), 0, 0, 0, 0])],
  ["serialize type byte 2", new Uint8Array([...int32(6), 2, 0, 0, 2, 0x7b, 0x7d])],
  ["a header length beyond the frame", new Uint8Array([...int32(8), 0, 0, 0, 200, 0x7b, 0x7d, 0x20, 0x20])],
  ["invalid JSON in the header", jsonFrame('{"code":10,"flag":0,"language":"JAVA","opaque":1,')],
];

async function targetServer(h: ScenarioHarness): Promise<{ server: RemotingServer; stats: { processed: number; exceptions: number } }> {
  const stats = { processed: 0, exceptions: 0 };
  const server = await h.server({}, (s) => {
    s.registerProcessor(ECHO, (ctx, req) => (stats.processed++, h.echo(ctx, req)));
    s.setChannelEventListener({ onChannelException: () => stats.exceptions++ });
  });
  return { server, stats };
}

async function assertServing(h: ScenarioHarness, server: RemotingServer, client: RemotingClient, tag: string): Promise<void> {
  const response = await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { extFields: { tag } }), 2000);
  assert.deepEqual(response.extFields, { tag });
}

// Spec §1.2 and §8.5.4: malformed input closes that connection with no answer; other connections
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
      await waitFor(() => stats.exceptions === 1, "the EXCEPTION event");
      await sleep(20);
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
});
