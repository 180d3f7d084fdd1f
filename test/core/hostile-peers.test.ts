import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  encodeFrame,
  RemotingSendRequestError,
  type RemotingCommand,
  type RemotingServer,
  type RemotingClient,
} from "../../src/index.ts";
import { addrOf, asyncCall, echo, useHarness, rejectionOf, waitFor, within } from "../helpers/harness.ts";
import { hostileInputs, int32 } from "../helpers/raw-frames.ts";
import type { RawConnection } from "../helpers/raw-peers.ts";

const ECHO = 10;
const NEVER = 12;

const h = useHarness();
// See also test/scenarios/hostile-peers.ts and large-bodies.ts (the same core on Bun sockets, node:net and Node).

/** A server with an echo processor, counting processor calls and closes. */
async function targetServer(options = {}) {
  const stats = { processed: 0, exceptions: 0, closes: 0 };
  const server = await h.server(options, (s) => {
    s.registerProcessor(ECHO, (ctx, req) => (stats.processed++, echo(ctx, req)));
    s.setChannelEventListener({ onChannelException: () => stats.exceptions++, onChannelClose: () => stats.closes++ });
  });
  return { server, stats };
}

async function expectServing(server: RemotingServer, client: RemotingClient, tag: string): Promise<void> {
  const t0 = performance.now();
  const response = await client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { tag } }), 2000);
  expect(response.extFields).toEqual({ tag });
  expect(performance.now() - t0).toBeLessThan(1000);
}

// Malformed input closes that connection, with no error response ever; other
// connections are not affected.
describe("a server facing hostile bytes", () => {
  test("a valid request followed by garbage in the same write: no answer for the garbage, connection closed", async () => {
    const { server, stats } = await targetServer();
    const raw = await h.rawClient(server.port);
    const valid = encodeFrame(createRequest(ECHO, { opaque: 77 }));
    await raw.send(new Uint8Array([...valid, ...int32(0x7fffffff), 1, 2, 3]));
    await within(raw.closed.promise, 2000);
    // Whatever was decoded before the bad bytes may be answered; nothing else is.
    for (const frame of raw.frames) expect(frame.opaque).toBe(77);
    expect(stats.processed).toBeLessThanOrEqual(1);
  });
});

// Framing: a peer may vanish mid-frame or never send anything; neither may disturb others.
describe("peers that stop or never start", () => {
  test("a frame of exactly maxFrameLength is waited for piece by piece and served", async () => {
    const MAX = 64 * 1024;
    const { server, stats } = await targetServer({ maxFrameLength: MAX });
    const raw = await h.rawClient(server.port);
    const header = encodeFrame(createRequest(ECHO, { opaque: 5 })).length;
    const frame = encodeFrame(createRequest(ECHO, { opaque: 5, body: new Uint8Array(MAX - header).fill(7) }));
    expect(frame.length).toBe(MAX); // prefix included: at the limit, not over it
    for (const [from, to] of [[0, 6], [6, 1000], [1000, MAX - 1], [MAX - 1, MAX]] as const) await raw.send(frame.subarray(from, to));
    await waitFor(() => raw.frames.length === 1, "the answer to the whole frame");
    expect(raw.frames[0]!.opaque).toBe(5); // (a SYSTEM_ERROR: its echo would be over the limit on the way back)
    expect(stats.processed).toBe(1);
    expect(raw.isClosed).toBe(false);
    expect(stats.exceptions).toBe(0);
  });

  test("a peer that announces a maximum-size frame and closes: the server frees it and goes on", async () => {
    const { server, stats } = await targetServer();
    const good = h.client();
    const raw = await h.rawClient(server.port);
    await raw.send(new Uint8Array([...int32(16_777_212), 0, 0, 0, 2, 0x7b]));
    raw.end();
    await waitFor(() => stats.closes === 1, "the server to see the close");
    expect(stats.exceptions).toBe(0); // a peer leaving mid-frame is a close, not a protocol error
    await expectServing(server, good, "ok");
  });

  test("peers that connect and send nothing, or part of a length prefix, do not hold up others", async () => {
    const { server, stats } = await targetServer();
    const silent = await Promise.all(Array.from({ length: 5 }, () => h.rawClient(server.port)));
    const partial = await h.rawClient(server.port);
    await partial.send(new Uint8Array([0, 0, 1]));
    const good = h.client();
    for (let i = 0; i < 5; i++) await expectServing(server, good, `n${i}`);
    expect(stats.processed).toBe(5);
    for (const s of [...silent, partial]) expect(s.isClosed).toBe(false);
  });
});

/** Answers a request with `response` carrying `opaque` (by default the request's). */
function replyWith(conn: RawConnection, opaque: number, remark: string, flag = 1): void {
  const response = createResponse(0, remark);
  response.opaque = opaque;
  response.flag = flag;
  conn.write(encodeFrame(response));
}

// The client matches responses by opaque, only on the connection the request went
// out on; anything else is dropped without disturbing the connection.
describe("a client facing a misbehaving server", () => {
  test("responses with opaques the client never used are dropped; the real answer still settles the call", async () => {
    const raw = await h.rawServer((conn, req) => {
      replyWith(conn, req.opaque + 1_000_000, "bogus");
      replyWith(conn, -req.opaque - 7, "bogus");
      setTimeout(() => replyWith(conn, req.opaque, `real ${req.extFields?.n}`), 10);
    });
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    for (let n = 0; n < 5; n++) expect((await client.invokeSync(addr, createRequest(ECHO, { extFields: { n: String(n) } }), 2000)).remark).toBe(`real ${n}`);
    expect(raw.connections.length).toBe(1);
    expect(raw.connections[0]!.isClosed).toBe(false);
  });

  test("a response to a pending opaque arriving on a different connection does not settle the call", async () => {
    const requestsA: { conn: RawConnection; req: RemotingCommand }[] = [];
    const requestsB: { conn: RawConnection; req: RemotingCommand }[] = [];
    const a = await h.rawServer((conn, req) => requestsA.push({ conn, req }));
    const b = await h.rawServer((conn, req) => requestsB.push({ conn, req }));
    const client = h.client();
    const callA = asyncCall((cb) => client.invokeAsync(`127.0.0.1:${a.port}`, createRequest(ECHO), 5000, cb));
    const callB = asyncCall((cb) => client.invokeAsync(`127.0.0.1:${b.port}`, createRequest(ECHO), 5000, cb));
    await waitFor(() => requestsA.length === 1 && requestsB.length === 1, "both requests");
    // Server B answers A's opaque, then its own: once B's own answer is in, the forged one (read
    // before it on the same connection) has been dealt with.
    replyWith(requestsB[0]!.conn, requestsA[0]!.req.opaque, "forged by B");
    replyWith(requestsB[0]!.conn, requestsB[0]!.req.opaque, "from B");
    expect((await within(callB.done, 2000)).response!.remark).toBe("from B");
    expect(callA.calls()).toBe(0);
    replyWith(requestsA[0]!.conn, requestsA[0]!.req.opaque, "from A");
    const resultA = await within(callA.done, 2000);
    expect(resultA.error).toBeNull();
    expect(resultA.response!.remark).toBe("from A");
  });

  test("a request that reuses a pending call's opaque is served as a request, not taken as the answer", async () => {
    let pending: { conn: RawConnection; req: RemotingCommand } | null = null;
    const raw = await h.rawServer((conn, req) => {
      if ((req.flag & 1) === 0) pending = { conn, req };
    });
    const client = h.client();
    const call = asyncCall((cb) => client.invokeAsync(`127.0.0.1:${raw.port}`, createRequest(ECHO), 5000, cb));
    await waitFor(() => pending !== null, "the request");
    const { conn, req } = pending!;
    replyWith(conn, req.opaque, "I am a request", 0); // flag 0: a request from the server
    await waitFor(() => conn.frames.some((f) => (f.flag & 1) === 1), "the client's answer to that request");
    const answer = conn.frames.find((f) => (f.flag & 1) === 1)!;
    expect(answer.code).toBe(3); // the client has no processor for ECHO
    expect(answer.opaque).toBe(req.opaque);
    expect(call.calls()).toBe(0);
    replyWith(conn, req.opaque, "the answer");
    expect((await within(call.done, 2000)).response!.remark).toBe("the answer");
  });

  for (const [name, bytes] of hostileInputs.slice(0, 5)) {
    test(`a server sending ${name}: the client closes, fails the pending calls at once, and reconnects next time`, async () => {
      let garbage = true;
      const raw = await h.rawServer((conn, req) => {
        if (req.code === NEVER) return;
        if (garbage) conn.write(bytes);
        else replyWith(conn, req.opaque, "sane again");
      });
      const client = h.client();
      const exceptions: Error[] = [];
      client.setChannelEventListener({ onChannelException: (_a, _c, e) => exceptions.push(e!) });
      const addr = `127.0.0.1:${raw.port}`;
      const parked = rejectionOf(client.invokeSync(addr, createRequest(NEVER), 10_000));
      await waitFor(() => raw.connections[0]?.frames.length === 1, "the parked request");
      const t0 = performance.now();
      expect(await within(rejectionOf(client.invokeSync(addr, createRequest(ECHO), 10_000)), 2000)).toBeInstanceOf(RemotingSendRequestError);
      expect(await within(parked, 1000)).toBeInstanceOf(RemotingSendRequestError);
      expect(performance.now() - t0).toBeLessThan(1000);
      await waitFor(() => exceptions.length === 1, "the client's EXCEPTION event");
      garbage = false;
      expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).remark).toBe("sane again");
      expect(raw.connections.length).toBe(2);
    });
  }
});
