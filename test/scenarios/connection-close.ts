import assert from "node:assert/strict";
import type { RemotingChannel, RemotingClient } from "../../src/surface.ts";
import { asyncCall, rejectionOf, waitFor, within } from "../helpers/promises.ts";
import { group } from "./scenario.ts";
import type { ScenarioHarness } from "./harness.ts";

const ECHO = 10;
const NEVER = 12;

/** Starts `n` pending calls (half sync, half async) with a 10 s timeout; each settles with its error. */
function pendingCalls(h: ScenarioHarness, client: RemotingClient, addr: string, n: number): Promise<Error | null>[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? client.invokeSync(addr, h.lib.createRequest(NEVER), 10_000).then(
          () => null,
          (error: Error) => error,
        )
      : asyncCall((cb) => client.invokeAsync(addr, h.lib.createRequest(NEVER), 10_000, cb)).done.then((r) => r.error),
  );
}

async function assertAllFailFast(h: ScenarioHarness, calls: Promise<Error | null>[], since: number): Promise<void> {
  const errors = await within(Promise.all(calls), 2000, "the pending calls");
  for (const error of errors) {
    assert.ok(error instanceof h.lib.RemotingSendRequestError, String(error));
    assert.equal(error.code, "ERR_REMOTING_SEND_REQUEST");
  }
  assert.ok(performance.now() - since < 1000, "the calls failed at once, not at their 10 s timeout");
}

// When a connection closes, for whatever reason, every call pending on it
// fails at once with RemotingSendRequestError, and the next call reconnects.
export const connectionClose = group("connection close: pending calls fail fast", (scenario) => {
  scenario("the server closes the connection: every pending call fails at once; the next call reconnects", async (h) => {
    const parked: RemotingChannel[] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, (ctx) => (parked.push(ctx.channel), null));
    });
    const client = h.client();
    const calls = pendingCalls(h, client, h.addrOf(server), 6);
    await waitFor(() => parked.length === 6, "6 parked requests");
    const t0 = performance.now();
    parked[0]!.close();
    await assertAllFailFast(h, calls, t0);
    assert.equal((await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000)).code, 0);
  });

  scenario("a raw server that sends half a frame and closes: the pending calls fail at once", async (h) => {
    const raw = await h.rawServer((conn, request) => {
      if (request.extFields?.last !== "yes") return;
      const frame = h.lib.encodeFrame(Object.assign(h.lib.createResponse(0, "never complete"), { opaque: request.opaque, flag: 1 }));
      void conn.send(frame.subarray(0, frame.length - 5)).then(() => conn.end());
    });
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const calls = pendingCalls(h, client, addr, 4);
    await waitFor(() => (raw.connections[0]?.frames.length ?? 0) === 4, "4 requests at the raw server");
    const t0 = performance.now();
    calls.push(client.invokeSync(addr, h.lib.createRequest(NEVER, { extFields: { last: "yes" } }), 10_000).then(() => null, (e: Error) => e));
    await assertAllFailFast(h, calls, t0);
  });

  scenario("a raw server that resets the connection: the pending calls fail at once", async (h) => {
    const raw = await h.rawServer();
    const client = h.client();
    const calls = pendingCalls(h, client, `127.0.0.1:${raw.port}`, 4);
    await waitFor(() => (raw.connections[0]?.frames.length ?? 0) === 4, "4 requests at the raw server");
    const t0 = performance.now();
    raw.connections[0]!.reset();
    await assertAllFailFast(h, calls, t0);
  });

  scenario("closeChannel fails that connection's pending calls at once; the next call reconnects", async (h) => {
    let connects = 0;
    let parked = 0;
    let closes = 0;
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(NEVER, () => (parked++, null));
      s.setChannelEventListener({ onChannelConnect: () => connects++, onChannelClose: () => closes++ });
    });
    const client = h.client();
    const addr = h.addrOf(server);
    await client.invokeSync(addr, h.lib.createRequest(ECHO), 3000);
    const calls = pendingCalls(h, client, addr, 4);
    await waitFor(() => parked === 4, "the 4 calls to reach the server");
    const t0 = performance.now();
    client.closeChannel(addr);
    await assertAllFailFast(h, calls, t0);
    assert.equal((await client.invokeSync(addr, h.lib.createRequest(ECHO), 3000)).code, 0);
    await waitFor(() => connects === 2, "a second connection");
    await waitFor(() => closes === 1, "the server's CLOSE for the first");
  });

  scenario("after the server restarts on the same port, the next call reconnects", async (h) => {
    const first = await h.server({}, (s) => s.registerProcessor(ECHO, () => h.lib.createResponse(0, "first")));
    const port = first.port;
    const client = h.client();
    let closes = 0;
    client.setChannelEventListener({ onChannelClose: () => closes++ });
    assert.equal((await client.invokeSync(`127.0.0.1:${port}`, h.lib.createRequest(ECHO), 3000)).remark, "first");
    await first.shutdown();
    await waitFor(() => closes === 1, "the client to see the close");
    const down = await rejectionOf(client.invokeSync(`127.0.0.1:${port}`, h.lib.createRequest(ECHO), 3000));
    assert.ok(down instanceof h.lib.RemotingConnectError, String(down));
    await h.server({ port }, (s) => s.registerProcessor(ECHO, () => h.lib.createResponse(0, "second")));
    assert.equal((await client.invokeSync(`127.0.0.1:${port}`, h.lib.createRequest(ECHO), 3000)).remark, "second");
  });
});
