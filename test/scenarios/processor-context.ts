import assert from "node:assert/strict";
import type { ProcessorContext } from "../../src/surface.ts";
import { deferred, within } from "../helpers/promises.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const INSPECT = 16;
const COUNT = 17;
const CALL_BACK = 18;
/** Internals of a connection that a processor must not reach through its context. */
const INTERNALS = ["socket", "queue", "decoder", "endpoint", "abort", "setProxyHeader"];

/** What the lead's API says a processor context is, checked field by field. */
function assertContextShape(ctx: ProcessorContext, remoteAddress: string, localAddress: string): void {
  assert.equal(ctx.remoteAddress, remoteAddress);
  assert.equal(ctx.localAddress, localAddress);
  assert.ok(ctx.signal instanceof AbortSignal && !ctx.signal.aborted, "ctx.signal: an AbortSignal, not aborted");
  assert.ok(ctx.attributes instanceof Map, "ctx.attributes: a Map");
  assert.equal(typeof ctx.writeResponse, "function");
  assert.equal(ctx.channel.remoteAddress, remoteAddress);
  for (const name of INTERNALS) assert.ok(!(name in ctx), `ctx exposes "${name}"`);
}

// The lead's API decision: processors get ctx with remoteAddress ("host:port"), localAddress,
// channel (usable with server.invokeSync), signal, attributes (a Map kept per connection across
// its requests) and writeResponse; ctx is not the internal connection object.
export const processorContext = group("the processor context", (scenario) => {
  scenario("server processors: remoteAddress, localAddress, channel, signal, attributes, writeResponse, and no connection internals", async (h) => {
    const seen = deferred<ProcessorContext>();
    const server = await h.server({}, (s) => s.registerProcessor(INSPECT, (ctx) => (seen.resolve(ctx), null)));
    const raw = await h.rawClient(server.port);
    await raw.sendFrame(h.lib.createRequest(INSPECT));
    const ctx = await within(seen.promise, 2000, "the request");
    assertContextShape(ctx, `127.0.0.1:${raw.socket.localPort}`, `127.0.0.1:${server.port}`);
    ctx.writeResponse(h.lib.createRequest(INSPECT, { opaque: 77 }), h.lib.createResponse(0, "written later"));
    const answer = await raw.waitForFrames(1);
    assert.deepEqual([answer[0]!.opaque, answer[0]!.remark], [77, "written later"]);
  });

  scenario("ctx.attributes is one Map per connection, kept across its requests", async (h) => {
    const server = await h.server({}, (s) =>
      s.registerProcessor(COUNT, (ctx) => {
        const n = ((ctx.attributes.get("n") as number | undefined) ?? 0) + 1;
        ctx.attributes.set("n", n);
        return h.lib.createResponse(0, String(n));
      }),
    );
    const [a, b] = [h.client(), h.client()];
    const count = async (client: typeof a): Promise<string | null> => (await client.invokeSync(h.addrOf(server), h.lib.createRequest(COUNT), 3000)).remark;
    assert.deepEqual([await count(a), await count(a), await count(b), await count(a), await count(b)], ["1", "2", "1", "3", "2"]);
  });

  scenario("ctx.channel calls the client back; a client's processors get the same kind of context", async (h) => {
    const clientSide = deferred<ProcessorContext>();
    const server = await h.server({}, (s) =>
      s.registerProcessor(CALL_BACK, async (ctx) => {
        const back = await server.invokeSync(ctx.channel, h.lib.createRequest(ECHO, { extFields: { from: "server" } }), 3000);
        return h.lib.createResponse(0, `client said ${back.extFields!.from}`);
      }),
    );
    const client = h.client();
    client.registerProcessor(ECHO, (ctx, request) => (clientSide.resolve(ctx), h.echo(ctx, request)));
    const answer = await client.invokeSync(h.addrOf(server), h.lib.createRequest(CALL_BACK), 3000);
    assert.equal(answer.remark, "client said server");
    const ctx = await clientSide.promise;
    assertContextShape(ctx, h.addrOf(server), ctx.localAddress);
    assert.match(ctx.localAddress, /^127\.0\.0\.1:\d+$/);
  });
});
