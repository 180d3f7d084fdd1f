import assert from "node:assert/strict";
import type { RemotingCommand } from "../../src/surface.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const ANSWER_WITH = 11;

/** The bytes of any view or buffer, as numbers. */
function bytesOf(value: ArrayBufferView | ArrayBuffer): number[] {
  return ArrayBuffer.isView(value) ? Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) : Array.from(new Uint8Array(value));
}

/** Bodies createRequest/createResponse take as their exact bytes (strings as UTF-8), with those bytes. */
function acceptedBodies(): [string, unknown, number[]][] {
  const backing = new Uint8Array(32).map((_, i) => i).buffer;
  const cases: [string, ArrayBufferView | ArrayBuffer][] = [
    ["a Uint8Array", new Uint8Array([1, 2, 3, 250])],
    ["a Buffer", Buffer.from([4, 5, 6])],
    ["a Uint8Array view at an offset", new Uint8Array(backing, 3, 4)],
    ["a Uint16Array (high bytes kept)", new Uint16Array([0x0102, 0xfffe, 0x8000])],
    ["a Uint16Array view at an offset", new Uint16Array(backing, 4, 3)],
    ["an Int32Array", new Int32Array([-1, 0x01020304])],
    ["a Float64Array", new Float64Array([Math.PI, -0])],
    ["a DataView over part of a buffer", new DataView(backing, 9, 5)],
    ["an ArrayBuffer", backing.slice(10, 16)],
  ];
  return [
    ...cases.map(([name, value]): [string, unknown, number[]] => [name, value, bytesOf(value)]),
    ["a string (UTF-8)", "hello", [104, 101, 108, 108, 111]],
    ["a non-ASCII string (UTF-8)", "héllo €✓", Array.from(new TextEncoder().encode("héllo €✓"))],
  ];
}

/** Values that are not bodies: createRequest/createResponse refuse them with a TypeError naming the field. */
const REFUSED_BODIES: [string, unknown][] = [
  ["an object", {}],
  ["a number", 42],
  ["true", true],
  ["an array of numbers", [1, 2, 3]],
  ["a Date", new Date(0)],
];

const OVERSIZED_VALUE = "x".repeat(1_100_000);

/** Ways to make a command unencodable after it was created (the creation checks cannot see them). */
const SPOILERS: [string, (cmd: RemotingCommand) => void][] = [
  ["body = {}", (cmd) => (cmd.body = {} as never)],
  ["body = true", (cmd) => (cmd.body = true as never)],
  ["body = 42", (cmd) => (cmd.body = 42 as never)],
  ["an extFields value that is an object", (cmd) => (cmd.extFields = { topic: "t", bad: {} as never })],
  // The receiver would close the connection on it (the default maxHeaderLength, 1 MiB, on both sides).
  ["a header over maxHeaderLength", (cmd) => (cmd.extFields = { topic: "t", big: OVERSIZED_VALUE })],
];

/** Bodies assigned after creation that are bytes all the same: sent exactly, or refused for that call alone. */
const LATE_BODIES: [string, unknown, number[]][] = [
  ["body = an ArrayBuffer", new Uint8Array([7, 8, 9]).buffer, [7, 8, 9]],
  ["body = a string", "hello", [104, 101, 108, 108, 111]],
  ["body = a Uint16Array", new Uint16Array([0x0102, 0xfffe]), bytesOf(new Uint16Array([0x0102, 0xfffe]))],
];

/** A call that could not be encoded: a RemotingError of its own, the encode error kept. */
function assertEncodeFailure(h: ScenarioHarness, error: unknown, what: string): void {
  assert.ok(error instanceof h.lib.RemotingError, `${what}: expected a RemotingError, got ${String(error)}`);
  if (error.code === "ERR_REMOTING_SEND_REQUEST") assert.ok(error.cause instanceof Error, `${what}: the encode error as cause`);
  else assert.equal(error.code, "ERR_REMOTING_COMMAND", `${what}: ${error.message}`);
}

// Issue 6 of the outside test: a body that is not a Uint8Array went on the wire as a corrupt frame (an
// object, an ArrayBuffer, true): the peer closed the shared connection and 200 unrelated calls on it
// failed with no hint of the cause; "hello" was sent as five zero bytes; a Uint16Array lost its high
// bytes. The same from a processor's response.
export const bodies = group("bodies and commands that cannot be encoded", (scenario) => {
  scenario("createRequest and createResponse take any ArrayBufferView, an ArrayBuffer and strings (UTF-8) as their exact bytes, both ways", async (h) => {
    const cases = acceptedBodies();
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(ANSWER_WITH, (_ctx, request) => h.lib.createResponse(0, null, { body: cases[Number(request.extFields!.i)]![1] as never }));
    });
    const client = h.client();
    for (const [i, [name, body, bytes]] of cases.entries()) {
      const echoed = await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { body: body as never }), 3000);
      assert.deepEqual(Array.from(echoed.body ?? []), bytes, `${name} in a request`);
      const answered = await client.invokeSync(h.addrOf(server), h.lib.createRequest(ANSWER_WITH, { extFields: { i: String(i) } }), 3000);
      assert.deepEqual(Array.from(answered.body ?? []), bytes, `${name} in a response`);
    }
  });

  scenario("received bodies of every size, either side of the transport's copy limit, are plain Uint8Arrays of exactly the bytes sent, kept intact by later traffic", async (h) => {
    const sizes = [1, 64, 255, 256, 257, 1000, 4096, 70_000];
    const bodyOf = (size: number, salt: number): Uint8Array => new Uint8Array(size).map((_, i) => (i * 31 + size + salt) & 255);
    const kept: [string, Uint8Array, Uint8Array][] = [];
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, (ctx, request) => {
        kept.push([`request of ${request.body!.length} B`, request.body!, bodyOf(request.body!.length, Number(request.extFields!.salt))]);
        return h.echo(ctx, request);
      });
    });
    const client = h.client();
    const wave = (salt: number): Promise<RemotingCommand[]> =>
      Promise.all(sizes.map((size) => client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { body: bodyOf(size, salt), extFields: { salt: String(salt) } }), 5000)));
    for (const response of await wave(1)) kept.push([`response of ${response.body!.length} B`, response.body!, bodyOf(response.body!.length, 1)]);
    await wave(2);
    assert.equal(kept.length, 3 * sizes.length);
    for (const [what, body, bytes] of kept) {
      assert.equal(Object.getPrototypeOf(body), Uint8Array.prototype, `${what}: a plain Uint8Array`);
      assert.ok(Buffer.from(body).equals(Buffer.from(bytes)), `${what}: its bytes`);
    }
  });

  scenario("anything else is a TypeError naming the body, from createRequest and createResponse alike", async (h) => {
    for (const [name, body] of REFUSED_BODIES) {
      assert.throws(() => h.lib.createRequest(ECHO, { body: body as never }), (e: Error) => e instanceof TypeError && /body/.test(e.message), `createRequest with ${name}`);
      assert.throws(() => h.lib.createResponse(0, null, { body: body as never }), (e: Error) => e instanceof TypeError && /body/.test(e.message), `createResponse with ${name}`);
    }
    assert.equal(h.lib.createRequest(ECHO, { body: null }).body, null);
    assert.equal(h.lib.createRequest(ECHO, {}).body, null);
  });

  scenario("client: a command spoilt after creation fails its own call only; not a byte of it is sent, 200 calls on the same connection in the same turn succeed", async (h) => {
    const { createRequest, createResponse } = h.lib;
    const raw = await h.rawServer((conn, request) => conn.reply(request, createResponse(0, "raw", { body: request.body, serializeType: "ROCKETMQ" })));
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const good = (i: number): RemotingCommand => createRequest(ECHO, { extFields: { i: String(i) }, body: new Uint8Array([i & 255]), serializeType: "ROCKETMQ" });
    assert.equal((await client.invokeSync(addr, good(-1), 3000)).code, 0); // connected
    const goodCalls: Promise<RemotingCommand>[] = [];
    const badCalls: [string, Promise<unknown>][] = [];
    const lateCalls: [string, number[], Promise<unknown>][] = [];
    const outcome = (call: Promise<unknown>): Promise<unknown> => call.then((value) => value ?? "resolved", (error: unknown) => error);
    for (let i = 0; i < 200; i++) {
      goodCalls.push(client.invokeSync(addr, good(i), 3000));
      if (i % 20 === 0) {
        for (const [name, spoil] of SPOILERS) {
          const sync = good(1000 + i);
          spoil(sync);
          badCalls.push([`invokeSync with ${name}`, outcome(client.invokeSync(addr, sync, 3000))]);
          const oneway = good(2000 + i);
          spoil(oneway);
          badCalls.push([`invokeOneway with ${name}`, outcome(client.invokeOneway(addr, oneway, 3000))]);
        }
        for (const [name, body, bytes] of LATE_BODIES) {
          const cmd = good(3000 + i);
          cmd.body = body as never;
          lateCalls.push([name, bytes, outcome(client.invokeSync(addr, cmd, 3000))]);
        }
      }
    }
    const answers = await Promise.all(goodCalls);
    assert.deepEqual(answers.map((a) => Array.from(a.body ?? [])), Array.from({ length: 200 }, (_, i) => [i & 255]));
    for (const [name, call] of badCalls) assertEncodeFailure(h, await call, name);
    for (const [name, bytes, call] of lateCalls) {
      const result = await call;
      if (result instanceof Error) assertEncodeFailure(h, result, name);
      else assert.deepEqual(Array.from((result as RemotingCommand).body ?? []), bytes, `${name}: sent, so with its exact bytes`);
    }
    const conn = raw.connections[0]!;
    assert.equal(raw.connections.length, 1, "one connection throughout");
    assert.equal(conn.decodeError, null, "every byte the server got decodes");
    assert.ok(conn.frames.every((f) => !/^(1|2)\d{3}$/.test(f.extFields?.i ?? "")), "no spoilt command reached the server");
    const framed = conn.frames.reduce((sum, f) => sum + h.lib.encodeFrame(f).length, 0);
    assert.equal(conn.bytesReceived, framed, "nothing but whole frames reached the server");
  });

  scenario("server: a processor answering with a spoilt response gets its caller SYSTEM_ERROR; the connection stays open and serves the next calls", async (h) => {
    const { createRequest, createResponse } = h.lib;
    let connects = 0;
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, h.echo);
      s.registerProcessor(ANSWER_WITH, (_ctx, request) => {
        const response = createResponse(0, "spoilt", { body: new Uint8Array([1]) });
        SPOILERS[Number(request.extFields!.i)]![1](response);
        return response;
      });
      s.setChannelEventListener({ onChannelConnect: () => connects++ });
    });
    const client = h.client();
    const addr = h.addrOf(server);
    for (const [i, [name]] of SPOILERS.entries()) {
      const concurrent = Array.from({ length: 50 }, (_, n) => client.invokeSync(addr, createRequest(ECHO, { extFields: { n: String(n) } }), 3000));
      const spoilt = await client.invokeSync(addr, createRequest(ANSWER_WITH, { extFields: { i: String(i) } }), 3000);
      assert.equal(spoilt.code, h.lib.RemotingSysResponseCode.SYSTEM_ERROR, `${name}: ${spoilt.remark}`);
      assert.deepEqual((await Promise.all(concurrent)).map((a) => a.extFields!.n), Array.from({ length: 50 }, (_, n) => String(n)), name);
    }
    assert.equal((await client.invokeSync(addr, createRequest(ECHO), 3000)).code, 0);
    assert.equal(connects, 1, "one connection throughout");
  });
});
