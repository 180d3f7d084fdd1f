import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  encodeFrame,
  RemotingError,
  RemotingSendRequestError,
  type RemotingChannel,
  type RemotingClient,
} from "../../src/index.ts";
import { addrOf, asyncCall, echo, useHarness, rejectionOf, sleep, waitFor, within } from "../helpers/harness.ts";

const ECHO = 10;
const NEVER = 12;
const CLOSE_ME = 14;

const h = useHarness();

/** A server whose NEVER requests are parked (their channels kept) and CLOSE_ME closes the connection. */
async function parkingServer() {
  const parked: RemotingChannel[] = [];
  const events = { connects: 0, closes: 0 };
  const server = await h.server({}, (s) => {
    s.registerProcessor(ECHO, echo);
    s.registerProcessor(NEVER, (ctx) => {
      parked.push(ctx.channel);
      return null;
    });
    s.registerProcessor(CLOSE_ME, (ctx) => {
      ctx.channel.close();
      return null;
    });
    s.setChannelEventListener({ onChannelConnect: () => events.connects++, onChannelClose: () => events.closes++ });
  });
  return { server, parked, events };
}

/** Starts `n` pending calls (half sync, half async) with a long timeout. */
function pendingCalls(client: RemotingClient, addr: string, n: number) {
  return Array.from({ length: n }, (_, i) => {
    if (i % 2 === 0) {
      const startedAt = performance.now();
      return client.invokeSync(addr, createRequest(NEVER), 10_000).then(
        () => ({ error: null as Error | null, at: performance.now(), startedAt }),
        (error: Error) => ({ error, at: performance.now(), startedAt }),
      );
    }
    const call = asyncCall((cb) => client.invokeAsync(addr, createRequest(NEVER), 10_000, cb));
    return call.done.then((r) => ({ error: r.error, at: r.at, startedAt: call.startedAt }));
  });
}

// §3.7 and §8.5.8 (HEAD behaviour since 5.1.3): when a connection closes, for whatever reason,
// every call pending on it fails at once with RemotingSendRequestError, not at its timeout.
describe("pending calls fail fast when their connection closes", () => {
  test("the server closes the connection: every pending call fails at once", async () => {
    const { server, parked } = await parkingServer();
    const client = h.client();
    const addr = addrOf(server);
    const calls = pendingCalls(client, addr, 6);
    await waitFor(() => parked.length === 6, "6 parked requests");
    const closedAt = performance.now();
    parked[0]!.close();
    const results = await within(Promise.all(calls), 1000, "the pending calls");
    for (const r of results) {
      expect(r.error).toBeInstanceOf(RemotingSendRequestError);
      expect((r.error as RemotingError).code).toBe("ERR_REMOTING_SEND_REQUEST");
      expect(r.at - closedAt).toBeLessThan(500); // not the 10 s timeout
    }
    // The next call reconnects.
    expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).code).toBe(0);
  });

  test("a processor closing its own connection fails the calls pending on it", async () => {
    const { server, parked } = await parkingServer();
    const client = h.client();
    const addr = addrOf(server);
    const calls = pendingCalls(client, addr, 4);
    await waitFor(() => parked.length === 4, "4 parked requests");
    const closer = rejectionOf(client.invokeSync(addr, createRequest(CLOSE_ME), 10_000));
    const results = await within(Promise.all(calls), 1000);
    for (const r of results) expect(r.error).toBeInstanceOf(RemotingSendRequestError);
    expect(await within(closer, 1000)).toBeInstanceOf(RemotingSendRequestError);
  });

  test("a raw server that closes mid-frame fails the pending calls at once", async () => {
    const raw = await h.rawServer((conn, request) => {
      if (request.extFields?.last === "yes") {
        const frame = encodeFrame(Object.assign(createResponse(0, "never complete"), { opaque: request.opaque }));
        conn.write(frame.subarray(0, frame.length - 5)); // half a frame...
        setTimeout(() => conn.end(), 10); // ...then FIN
      }
    });
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const calls = pendingCalls(client, addr, 4);
    await waitFor(() => (raw.connections[0]?.frames.length ?? 0) === 4, "4 requests at the raw server");
    const last = rejectionOf(client.invokeSync(addr, createRequest(NEVER, { extFields: { last: "yes" } }), 10_000));
    const t0 = performance.now();
    const results = await within(Promise.all(calls), 1000);
    for (const r of results) expect(r.error).toBeInstanceOf(RemotingSendRequestError);
    expect(await within(last, 1000)).toBeInstanceOf(RemotingSendRequestError);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  test("a raw server that resets the connection fails the pending calls at once", async () => {
    const raw = await h.rawServer();
    const client = h.client();
    const calls = pendingCalls(client, `127.0.0.1:${raw.port}`, 4);
    await waitFor(() => (raw.connections[0]?.frames.length ?? 0) === 4, "4 requests at the raw server");
    raw.connections[0]!.reset();
    const results = await within(Promise.all(calls), 1000);
    for (const r of results) expect(r.error).toBeInstanceOf(RemotingSendRequestError);
  });
});

// §5.5: closeChannel(addr) closes that address's connection (its pending calls fail at once) and
// the next call to the address reconnects; other addresses are untouched.
describe("closeChannel", () => {
  test("fails that connection's pending calls at once and the next call reconnects", async () => {
    const { server, parked, events } = await parkingServer();
    const client = h.client();
    const addr = addrOf(server);
    const calls = pendingCalls(client, addr, 4);
    await waitFor(() => parked.length === 4, "4 parked requests");
    const t0 = performance.now();
    client.closeChannel(addr);
    const results = await within(Promise.all(calls), 1000);
    for (const r of results) {
      expect(r.error).toBeInstanceOf(RemotingSendRequestError);
      expect(r.at - t0).toBeLessThan(200);
    }
    expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).code).toBe(0);
    await waitFor(() => events.connects === 2, "a second connection");
    await waitFor(() => events.closes === 1, "the server's CLOSE for the first");
  });

  test("leaves other addresses alone, and is a no-op for an unknown address", async () => {
    const a = await parkingServer();
    const bParked: RemotingChannel[] = [];
    const b = await h.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.registerProcessor(NEVER, (ctx, req) => {
        bParked.push(ctx.channel);
        setTimeout(() => ctx.writeResponse(req, createResponse(0, "b answered")), 100);
        return null;
      });
    });
    const client = h.client();
    const onA = pendingCalls(client, addrOf(a.server), 2);
    const onB = client.invokeSync(addrOf(b), createRequest(NEVER), 5000);
    await waitFor(() => a.parked.length === 2 && bParked.length === 1, "requests at both servers");
    client.closeChannel("127.0.0.1:1"); // nothing there
    client.closeChannel(addrOf(a.server));
    for (const r of await within(Promise.all(onA), 1000)) expect(r.error).toBeInstanceOf(RemotingSendRequestError);
    expect((await onB).remark).toBe("b answered");
  });
});

// §5.2: a connection that is gone is replaced on the next call; a server restarted on the same port
// is reached again without any help from the caller.
describe("reconnecting", () => {

  test("after the server closed the connection, the next call reconnects", async () => {
    const { server, events } = await parkingServer();
    const client = h.client();
    const addr = addrOf(server);
    await client.invokeSync(addr, createRequest(ECHO), 2000);
    expect(await rejectionOf(client.invokeSync(addr, createRequest(CLOSE_ME), 2000))).toBeInstanceOf(RemotingSendRequestError);
    for (let i = 0; i < 3; i++) expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).code).toBe(0);
    await sleep(20);
    expect(events.connects).toBe(2);
  });
});
