import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  RemotingSendRequestError,
  type RemotingChannel,
  type RemotingClient,
} from "../../src/index.ts";
import { addrOf, asyncCall, echo, useHarness, rejectionOf, waitFor, within, channelEventsDelivered } from "../helpers/harness.ts";

const ECHO = 10;
const NEVER = 12;
const CLOSE_ME = 14;

const h = useHarness();
// See also test/scenarios/connection-close.ts (the same core on Bun sockets, node:net and Node).

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

// HEAD behaviour since 5.1.3: when a connection closes, for whatever reason,
// every call pending on it fails at once with RemotingSendRequestError, not at its timeout.
describe("pending calls fail fast when their connection closes", () => {
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
});

// closeChannel(addr) closes that address's connection (its pending calls fail at once) and
// the next call to the address reconnects; other addresses are untouched.
describe("closeChannel", () => {
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

// A connection that is gone is replaced on the next call; a server restarted on the same port
// is reached again without any help from the caller.
describe("reconnecting", () => {
  test("after the server closed the connection, the next call reconnects", async () => {
    const { server, events } = await parkingServer();
    const client = h.client();
    const addr = addrOf(server);
    await client.invokeSync(addr, createRequest(ECHO), 2000);
    expect(await rejectionOf(client.invokeSync(addr, createRequest(CLOSE_ME), 2000))).toBeInstanceOf(RemotingSendRequestError);
    for (let i = 0; i < 3; i++) expect((await client.invokeSync(addr, createRequest(ECHO), 2000)).code).toBe(0);
    await channelEventsDelivered();
    expect(events.connects).toBe(2);
  });
});
