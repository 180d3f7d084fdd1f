import assert from "node:assert/strict";
import type { ProcessorContext, ProcessorFunction, RemotingCommand, RemotingServer } from "../../src/surface.ts";
import { deferred, waitFor, within } from "../helpers/promises.ts";
import type { RawClient } from "../helpers/raw-peers.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const FLOODED = 20;
const HOLD = 22;
const LATER = 23;
/** Requests of one flood, and oneway requests after them. */
const FLOOD = 5000;
const ONEWAY_FLOOD = 1000;
const SLOTS = 16;
/** maxPendingRequestsPerConnection: room for a whole flood and its two probes, so none is refused. */
const PER_CONNECTION = FLOOD + ONEWAY_FLOOD + 2;
const PROBE_OPAQUE = 0x7fff0000;
const HOLD_OPAQUE = 0x10000000;

interface Kind {
  name: string;
  value(): unknown;
  /** What the remark of the SYSTEM_ERROR answer names; null: the result means "no answer". */
  remark: RegExp | null;
}

/** What a processor may return besides a RemotingCommand (the lead's rule: null and undefined answer nothing, the rest SYSTEM_ERROR). */
const KINDS: Kind[] = [
  { name: "undefined", value: () => undefined, remark: null },
  { name: "null", value: () => null, remark: null },
  { name: "a number", value: () => 42, remark: /number/ },
  { name: "a string", value: () => "OK", remark: /string/ },
  { name: "a boolean", value: () => true, remark: /boolean/ },
  { name: "a plain object", value: () => ({ ok: true }), remark: /object/i },
  { name: "an array", value: () => [1, 2], remark: /array|object/i },
  {
    name: "a thrown error",
    value: () => {
      throw new RangeError("bad input");
    },
    remark: /bad input/,
  },
  // Results whose very reading throws: the request must still end through the one way out.
  {
    name: "an object whose code getter throws",
    value: () => ({
      get code(): number {
        throw new Error("code trap");
      },
    }),
    remark: /code trap/,
  },
  {
    name: "an object whose then getter throws",
    value: () => ({
      get then(): unknown {
        throw new Error("then trap");
      },
    }),
    remark: /then trap/,
  },
];

/** Waits until `n` frames came back; fails at once if the server closes the connection instead. */
async function answers(raw: RawClient, n: number, what: string): Promise<RemotingCommand[]> {
  const closed = raw.closed.promise.then(() => {
    throw new Error(`the server closed the connection before ${what} (${raw.frames.length} frames received)`);
  });
  return within(Promise.race([raw.waitForFrames(n, 5000), closed]), 6000, what);
}

/** Sends FLOOD requests and ONEWAY_FLOOD oneway ones of code FLOODED on a fresh connection; checks what came back. */
async function floodOnce(h: ScenarioHarness, server: RemotingServer, kind: Kind): Promise<RawClient> {
  const { createRequest, encodeFrame } = h.lib;
  const raw = await h.rawClient(server.port);
  const flood: Uint8Array[] = [];
  for (let i = 1; i <= FLOOD; i++) flood.push(encodeFrame(createRequest(FLOODED, { opaque: i })));
  for (let i = 1; i <= ONEWAY_FLOOD; i++) flood.push(encodeFrame(Object.assign(createRequest(FLOODED, { opaque: FLOOD + i }), { flag: 2 })));
  await raw.send(Buffer.concat(flood));
  // Two echo probes, the second sent once the first was answered: any answer to the flood would
  // have arrived before the second probe's.
  const expected = kind.remark === null ? 0 : FLOOD;
  await raw.send(encodeFrame(createRequest(ECHO, { opaque: PROBE_OPAQUE })));
  await answers(raw, expected + 1, "the first probe's answer");
  await raw.send(encodeFrame(createRequest(ECHO, { opaque: PROBE_OPAQUE + 1 })));
  const frames = await answers(raw, expected + 2, "the second probe's answer");
  assert.equal(frames.length, expected + 2, "one answer per two-way request, none for oneway ones");
  assert.deepEqual(frames.filter((f) => f.opaque >= PROBE_OPAQUE).map((f) => f.code), [0, 0]);
  if (kind.remark !== null) {
    const flooded = frames.filter((f) => f.opaque < PROBE_OPAQUE);
    assert.equal(new Set(flooded.map((f) => f.opaque)).size, FLOOD, "one answer per request");
    assert.ok(flooded.every((f) => f.opaque >= 1 && f.opaque <= FLOOD), "no answer to a oneway request");
    assert.ok(flooded.every((f) => f.code === h.lib.RemotingSysResponseCode.SYSTEM_ERROR), `SYSTEM_ERROR, got codes ${[...new Set(flooded.map((f) => f.code))]}`);
    assert.match(flooded[0]!.remark ?? "", kind.remark);
  }
  assert.equal(raw.isClosed, false, "the caller's connection stays open");
  return raw;
}

/** Nothing running or queued (a count given back twice would show as a negative one). */
async function assertIdle(server: RemotingServer, what: string): Promise<void> {
  await waitFor(() => server.stats.inFlight === 0 && server.stats.queued === 0, `inFlight and queued back to 0 ${what}`, 1000);
}

// Issue 1 of the outside test: whatever a processor returns, its executor slot, its connection's
// count and its queue entry are given back exactly once, and the caller gets an answer or, for
// null/undefined, none. Before, undefined closed the caller's connection and leaked the slot for
// good (1 024 such requests and the default executor answered nobody any more).
export const processorResults = group("what processors return", (scenario) => {
  for (const kind of KINDS) {
    for (const mode of ["sync", "async"] as const) {
      scenario(`${kind.name} (${mode}), ${FLOOD} times: ${kind.remark === null ? "no answer" : "SYSTEM_ERROR naming it"}; every slot and count comes back; the server goes on serving`, async (h) => {
        const { createRequest, encodeFrame } = h.lib;
        let holding = 0;
        const release = deferred();
        const server = await h.server({ maxInFlightRequests: SLOTS, maxPendingRequestsPerConnection: PER_CONNECTION }, (s) => {
          s.registerProcessor(ECHO, h.echo);
          s.registerProcessor(FLOODED, (mode === "sync" ? () => kind.value() : async () => kind.value()) as unknown as ProcessorFunction);
          s.registerProcessor(HOLD, async () => {
            holding++;
            await release.promise;
            return h.lib.createResponse(0, "held");
          });
        });
        h.defer(() => release.resolve());
        const raw = await floodOnce(h, server, kind);
        // A healthy caller is served at once, and nothing is left running or queued.
        const healthy = await h.client().invokeSync(h.addrOf(server), createRequest(ECHO, { extFields: { after: kind.name } }), 2000);
        assert.deepEqual(healthy.extFields, { after: kind.name });
        await assertIdle(server, "after the flood");
        // Slots and the connection's count were given back exactly once: on the flooded connection,
        // PER_CONNECTION held requests are taken (SLOTS running, the rest queued) and one more is refused.
        const before = raw.frames.length;
        await raw.send(Buffer.concat(Array.from({ length: PER_CONNECTION + 1 }, (_, i) => encodeFrame(createRequest(HOLD, { opaque: HOLD_OPAQUE + i })))));
        const refused = (await answers(raw, before + 1, "the refusal beyond maxPendingRequestsPerConnection"))[before]!;
        assert.deepEqual([refused.opaque, refused.code, refused.remark], [HOLD_OPAQUE + PER_CONNECTION, h.lib.RemotingSysResponseCode.SYSTEM_BUSY, h.lib.CONNECTION_BUSY_REMARK]);
        await waitFor(() => holding === SLOTS && server.stats.queued === PER_CONNECTION - SLOTS, `${SLOTS} held requests running and the rest queued`);
        assert.equal(server.stats.inFlight, SLOTS);
        release.resolve();
        const held = (await answers(raw, before + 1 + PER_CONNECTION, "the held requests' answers")).slice(before + 1);
        assert.ok(held.every((f) => f.remark === "held"));
        await assertIdle(server, "after the held requests");
      }, 30_000);
    }
  }

  scenario("a frozen response (a constant shared by every request) is answered like any other, sync and async, with each request's opaque", async (h) => {
    const { createRequest, createResponse } = h.lib;
    const constant = Object.freeze(createResponse(0, "constant"));
    const server = await h.server({}, (s) =>
      s.registerProcessor(LATER, ((_ctx: ProcessorContext, request: RemotingCommand) =>
        request.extFields!.async === "yes" ? Promise.resolve(constant) : constant) as unknown as ProcessorFunction),
    );
    const client = h.client();
    const calls = ["yes", "no", "yes", "no"].map((async) => client.invokeSync(h.addrOf(server), createRequest(LATER, { extFields: { async } }), 3000));
    assert.deepEqual((await within(Promise.all(calls), 5000, "the answers")).map((r) => [r.code, r.remark]), Array(4).fill([0, "constant"]));
    assert.equal(constant.opaque, 0, "the constant itself is left as it was");
    await assertIdle(server, "after the frozen answers");
  });

  scenario("a processor that closes its own connection: the requests read after it in the same chunk never run and hold no slot, sync or async", async (h) => {
    const { createRequest, createResponse, encodeFrame } = h.lib;
    for (const settles of [true, false]) {
      const ran: number[] = [];
      const server = await h.server({}, (s) =>
        s.registerProcessor(LATER, ((ctx: ProcessorContext, request: RemotingCommand) => {
          ran.push(request.opaque);
          if (request.opaque === 1) {
            ctx.channel.close();
            return settles ? createResponse(0, "closing") : new Promise(() => {});
          }
          return new Promise(() => {}); // never settles: only a drop can give its slot back
        }) as unknown as ProcessorFunction),
      );
      const raw = await h.rawClient(server.port);
      await raw.send(new Uint8Array([1, 2, 3].flatMap((opaque) => [...encodeFrame(createRequest(LATER, { opaque }))])));
      await within(raw.closed.promise, 3000, "the close");
      await waitFor(() => server.stats.droppedRequests === 2, `the two later requests counted as dropped (${server.stats.droppedRequests})`, 2000);
      assert.deepEqual(ran, [1], "only the request that closed ran");
      await waitFor(() => server.stats.inFlight === 0, `every slot given back (inFlight ${server.stats.inFlight})`, 2000);
    }
  });

  scenario("a processor returning undefined answers later with ctx.writeResponse, sync and async alike", async (h) => {
    const { createRequest, createResponse } = h.lib;
    const server = await h.server({}, (s) =>
      s.registerProcessor(LATER, ((ctx: ProcessorContext, request: RemotingCommand) => {
        setTimeout(() => ctx.writeResponse(request, createResponse(0, `later ${request.extFields!.n}`)), 5);
        return request.extFields!.async === "yes" ? Promise.resolve(undefined) : undefined;
      }) as unknown as ProcessorFunction),
    );
    const client = h.client();
    const calls = ["1", "2", "3"].flatMap((n) =>
      ["yes", "no"].map((async) => client.invokeSync(h.addrOf(server), createRequest(LATER, { extFields: { n, async } }), 3000)),
    );
    const remarks = (await Promise.all(calls)).map((r) => r.remark);
    assert.deepEqual(remarks, ["later 1", "later 1", "later 2", "later 2", "later 3", "later 3"]);
    await waitFor(() => server.stats.inFlight === 0, "inFlight back to 0", 1000);
  });
});
