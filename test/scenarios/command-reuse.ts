import assert from "node:assert/strict";
import type { RemotingClient, RemotingCommand } from "../../src/surface.ts";
import { waitFor, within } from "../helpers/promises.ts";
import { group } from "./scenario.ts";

const RECORD = 19;
const ONEWAY = 2;

/** One command object, an invokeOneway and an invokeSync with it in the same turn, in `order`. */
function bothWithOneCommand(client: RemotingClient, addr: string, command: RemotingCommand, order: "oneway first" | "sync first") {
  if (order === "oneway first") {
    const oneway = client.invokeOneway(addr, command, 3000);
    return { oneway, sync: client.invokeSync(addr, command, 3000) };
  }
  const sync = client.invokeSync(addr, command, 3000);
  return { oneway: client.invokeOneway(addr, command, 3000), sync };
}

// The outside test: a command object reused for an invokeOneway and an invokeSync while a connect
// was pending sent the oneway flag for both (so the sync call was never answered, or the oneway one
// was). Flags, like opaques, belong to the call, not to the command object.
export const commandReuse = group("one command object, several calls", (scenario) => {
  for (const order of ["oneway first", "sync first"] as const) {
    for (const connected of [false, true]) {
      scenario(`an invokeOneway and an invokeSync with one command (${order}, ${connected ? "connection open" : "connect pending"}): each goes out with its own flag`, async (h) => {
        const raw = await h.rawServer((conn, request) => {
          if ((request.flag & ONEWAY) === 0) conn.reply(request, h.lib.createResponse(0, "answered"));
        });
        const client = h.client();
        const addr = `127.0.0.1:${raw.port}`;
        if (connected) await client.invokeOneway(addr, h.lib.createRequest(RECORD, { extFields: { warm: "up" } }), 3000);
        const command = h.lib.createRequest(RECORD, { extFields: { reused: "yes" } });
        const { oneway, sync } = bothWithOneCommand(client, addr, command, order);
        await within(oneway, 3000, "the oneway call");
        assert.equal((await within(sync, 3000, "the sync call")).remark, "answered");
        await waitFor(() => raw.connections[0]?.frames.filter((f) => f.extFields?.reused === "yes").length === 2, "both requests at the server");
        const flags = raw.connections[0]!.frames.filter((f) => f.extFields?.reused === "yes").map((f) => f.flag & ONEWAY);
        assert.deepEqual([...flags].sort(), [0, ONEWAY], `flags on the wire: ${flags}`);
        assert.equal(client.stats.pendingCalls, 0);
      });
    }
  }

  for (const connected of [false, true]) {
    scenario(`a frozen request (${connected ? "connection open" : "connect pending"}): sync, async and oneway calls with it go out with their own opaque and flag; the command is left as it was`, async (h) => {
      const server = await h.server({}, (s) => s.registerProcessor(RECORD, (_ctx, request) => h.lib.createResponse(0, `answered ${request.flag & ONEWAY}`)));
      const client = h.client();
      if (connected) await client.invokeSync(h.addrOf(server), h.lib.createRequest(RECORD), 3000);
      const command = Object.freeze(h.lib.createRequest(RECORD, { extFields: { frozen: "yes" } }));
      const opaque = command.opaque;
      const sync = client.invokeSync(h.addrOf(server), command, 3000);
      const async = new Promise<RemotingCommand>((resolve, reject) => client.invokeAsync(h.addrOf(server), command, 3000, (error, response) => (error ? reject(error) : resolve(response!))));
      const oneway = client.invokeOneway(h.addrOf(server), command, 3000);
      const [a, b] = await within(Promise.all([sync, async, oneway]), 3000, "the calls");
      assert.deepEqual([a.remark, b.remark], ["answered 0", "answered 0"]);
      assert.deepEqual([command.opaque, command.flag], [opaque, 0]);
      assert.equal(client.stats.pendingCalls, 0);
    });
  }

  scenario("against a library server: the processor sees one oneway and one two-way request; only the two-way one is answered", async (h) => {
    const flags: number[] = [];
    const server = await h.server({}, (s) => s.registerProcessor(RECORD, (_ctx, request) => (flags.push(request.flag & ONEWAY), h.lib.createResponse(0, "answered"))));
    const client = h.client();
    const command = h.lib.createRequest(RECORD);
    const { oneway, sync } = bothWithOneCommand(client, h.addrOf(server), command, "oneway first");
    await oneway;
    assert.equal((await sync).remark, "answered");
    await waitFor(() => flags.length === 2, "both requests");
    assert.deepEqual([...flags].sort(), [0, ONEWAY]);
    assert.equal(server.stats.served.errors, 0);
  });
});

// The outside test: a processor that forwarded the request it received (a proxy) changed that
// request's opaque and flag, so its caller was answered under another opaque (a timeout, or the
// answer of another of its calls) or, after a oneway forward, not at all. Sending a received
// command leaves it as it arrived.
export const forwardedRequests = group("a processor forwarding the request it received", (scenario) => {
  scenario("forwarded with invokeOneway and invokeSync: each of 20 concurrent callers gets its own answer; the request is left as it arrived", async (h) => {
    const backend = await h.server({}, (s) => s.registerProcessor(RECORD, (_ctx, request) => h.lib.createResponse(0, `backend saw flag ${request.flag & ONEWAY}`)));
    const forwarder = h.client();
    const proxy = await h.server({}, (s) =>
      s.registerProcessor(RECORD, async (_ctx, request) => {
        const arrived = [request.opaque, request.flag];
        await forwarder.invokeOneway(h.addrOf(backend), request, 3000);
        const answer = await forwarder.invokeSync(h.addrOf(backend), request, 3000);
        assert.deepEqual([request.opaque, request.flag], arrived, "the received request was changed by forwarding it");
        return h.lib.createResponse(0, `${request.extFields!.id} via ${answer.remark}`);
      }),
    );
    const client = h.client();
    const ids = Array.from({ length: 20 }, (_, i) => String(i));
    const answers = await within(Promise.all(ids.map((id) => client.invokeSync(h.addrOf(proxy), h.lib.createRequest(RECORD, { extFields: { id } }), 3000))), 5000, "the proxied calls");
    assert.deepEqual(answers.map((a) => a.remark), ids.map((id) => `${id} via backend saw flag 0`));
    assert.equal(client.stats.pendingCalls, 0);
    assert.equal(proxy.stats.served.errors, 0);
  });
});
