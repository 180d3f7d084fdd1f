import { describe, expect, test } from "bun:test";
import {
  createRequest,
  createResponse,
  encodeFrame,
  FrameDecoder,
  RemotingClient,
  RemotingServer,
  RemotingTimeoutError,
  silentLogger,
  type RemotingCommand,
  type TransportSocket,
} from "../../src/index.ts";
import { WriteQueue } from "../../src/core/connection/write-queue.ts";
import { expectedAfterRoundTrip, randomCommand } from "../helpers/commands.ts";
import { asyncCall, deferred, echo, useHarness, waitFor, within } from "../helpers/harness.ts";
import { MemoryTransport, type MemorySocket } from "../helpers/memory-transport.ts";
import { Random } from "../helpers/random.ts";
import { plain } from "../helpers/vectors.ts";

/** The frame limits every queue here is given (the defaults). */
const FRAME_LIMITS = { maxFrameLength: 16 * 1024 * 1024, maxHeaderLength: 1 << 20 };

const ECHO = 10;
const BIG = 11;

const h = useHarness();
// See also test/scenarios/backpressure.ts (the same core on Bun sockets, node:net and Node).

/** Server and client over one MemoryTransport (the test drives the "kernel" through it). */
async function memoryPair(transport: MemoryTransport, serverOptions: object, setup: (s: RemotingServer) => void, clientOptions: object = {}) {
  const server = new RemotingServer({ transport, logger: silentLogger, shutdownTimeoutMs: 100, ...serverOptions });
  h.defer(() => server.shutdown());
  setup(server);
  await server.start();
  const client = new RemotingClient({ transport, logger: silentLogger, shutdownTimeoutMs: 100, ...clientOptions });
  h.defer(() => client.shutdown());
  return { server, client, addr: `127.0.0.1:${server.port}` };
}

function bytesOf(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sameBytes = (a: Uint8Array | null, b: Uint8Array | null): boolean =>
  a === null || b === null ? (a?.length ?? 0) === (b?.length ?? 0) : Buffer.compare(a, b) === 0;

/** The queued bytes of every connection of an endpoint (its unsent output). */
const queuedBytes = (endpoint: RemotingServer | RemotingClient): number => endpoint.stats.bytesQueued;

// Bun's write() takes what the kernel accepts and keeps nothing. The write
// queue must keep the rest, in order, and offer it again on drain, so frames arrive intact.
describe("partial writes", () => {
  test("with 7-byte writes, 300 calls each way arrive intact and in order", async () => {
    const transport = new MemoryTransport();
    transport.writeLimit = 7;
    transport.autoDrain = true;
    const { client, addr } = await memoryPair(transport, {}, (s) => s.registerProcessor(ECHO, echo));
    const order: number[] = [];
    const bad: number[] = [];
    const calls = Array.from({ length: 300 }, (_, i) => {
      const body = i % 5 === 0 ? null : bytesOf(i, (i * 37) % 700);
      return asyncCall((cb) =>
        client.invokeAsync(addr, createRequest(ECHO, { extFields: { i: String(i) }, body, serializeType: i % 2 ? "JSON" : "ROCKETMQ" }), 20_000, (e, r) => {
          order.push(i);
          if (e !== null || r!.extFields!.i !== String(i) || !sameBytes(r!.body, body)) bad.push(i);
          cb(e, r);
        }),
      );
    });
    await within(Promise.all(calls.map((c) => c.done)), 15_000, "300 calls over 7-byte writes");
    expect(bad).toEqual([]);
    expect(order).toEqual(Array.from({ length: 300 }, (_, i) => i)); // responses come back in order
    const serverSide = transport.side("server")[0]!;
    const clientSide = transport.side("client")[0]!;
    expect(serverSide.shortWrites).toBeGreaterThan(100); // the writes really were cut short, both ways
    expect(clientSide.shortWrites).toBeGreaterThan(100);
  }, 20_000);

  test("large bodies (the no-copy path) interleaved with small frames keep their order under short writes", async () => {
    const transport = new MemoryTransport();
    transport.writeLimit = 4096;
    transport.autoDrain = true;
    const sizes = [10, 70_000, 5, 300_000, 0, 65_536, 65_535, 1, 200_000, 12];
    const { client, addr } = await memoryPair(transport, {}, (s) =>
      s.registerProcessor(BIG, (_ctx, req) => createResponse(0, req.extFields!.i!, { body: bytesOf(Number(req.extFields!.i) + 1000, sizes[Number(req.extFields!.i)]!) })),
    );
    const order: number[] = [];
    const bad: number[] = [];
    const calls = sizes.map((size, i) => {
      const body = size === 0 ? null : bytesOf(i, size);
      return asyncCall((cb) =>
        client.invokeAsync(addr, createRequest(BIG, { extFields: { i: String(i) }, body }), 20_000, (e, r) => {
          order.push(i);
          if (e !== null || r!.remark !== String(i) || !sameBytes(r!.body, size === 0 ? null : bytesOf(i + 1000, size))) bad.push(i);
          cb(e, r);
        }),
      );
    });
    await within(Promise.all(calls.map((c) => c.done)), 15_000);
    expect(bad).toEqual([]);
    expect(order).toEqual(sizes.map((_, i) => i));
  }, 20_000);
});

// 5.1.0+ backpressure: a server stops reading a connection whose unsent output is above
// writeBufferHighWaterMark and resumes at writeBufferLowWaterMark; its memory stays bounded while
// the peer does not read, and everything is delivered once the peer reads again.
describe("server backpressure (MemoryTransport)", () => {
  test("a client that stops reading: the server pauses above the high-water mark, stays bounded, resumes below the low one", async () => {
    const HIGH = 64 * 1024;
    const LOW = 16 * 1024;
    const RESPONSE_BODY = 8 * 1024;
    const transport = new MemoryTransport();
    transport.writeLimit = 1024; // reads of at most 1 KiB: a few requests per read
    transport.bufferLimit = 16 * 1024; // the "kernel" holds 16 KiB for a peer that does not read
    transport.autoDrain = true;
    let processed = 0;
    const body = bytesOf(7, RESPONSE_BODY);
    const { server, client, addr } = await memoryPair(transport, { writeBufferHighWaterMark: HIGH, writeBufferLowWaterMark: LOW }, (s) =>
      s.registerProcessor(BIG, (_ctx, req) => {
        processed++;
        return createResponse(0, req.extFields!.i!, { body });
      }),
    );
    await client.invokeSync(addr, createRequest(BIG, { extFields: { i: "-1" } }), 5000);
    const serverSocket = transport.side("server")[0]!;
    const clientSocket = transport.side("client")[0]!;
    const queuedAtPause: number[] = [];
    const queuedAtResume: number[] = [];
    spy(serverSocket, "pause", () => queuedAtPause.push(queuedBytes(server)));
    spy(serverSocket, "resume", () => queuedAtResume.push(queuedBytes(server)));

    clientSocket.pause(); // the client application stops reading
    const N = 300; // 300 x 8 KiB = 2.4 MiB of responses
    const results: (string | null)[] = new Array(N).fill(null);
    const all = deferred();
    let done = 0;
    for (let i = 0; i < N; i++) {
      client.invokeAsync(addr, createRequest(BIG, { extFields: { i: String(i) } }), 30_000, (e, r) => {
        results[i] = e === null && sameBytes(r!.body, body) ? r!.remark : `error ${e?.message}`;
        if (++done === N) all.resolve();
      });
    }
    await waitFor(() => serverSocket.pauseCount > 0, "the server to stop reading");
    // While the client does not read, the server's output stays bounded and it reads no more.
    const requestFrame = encodeFrame(createRequest(BIG, { extFields: { i: "299" } })).length;
    const responseFrame = encodeFrame(createResponse(0, "299", { body })).length;
    const bound = HIGH + Math.ceil(1024 / requestFrame + 1) * responseFrame;
    let maxQueued = 0;
    const processedAtPause = processed;
    // The in-memory transport moves bytes on microtasks and drains on setImmediate: 40 turns of the
    // event loop with nothing read is 40 chances for the server to read or queue more.
    for (let t = 0; t < 40; t++) {
      maxQueued = Math.max(maxQueued, queuedBytes(server));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(processed).toBe(processedAtPause);
    expect(processed).toBeLessThan(N / 4);
    expect(maxQueued).toBeLessThanOrEqual(bound);
    expect(queuedAtPause[0]!).toBeGreaterThan(HIGH);
    expect(serverSocket.isPaused).toBe(true);

    clientSocket.resume(); // reads again: everything flows
    await within(all.promise, 10_000, "all responses after the client resumed");
    expect(results).toEqual(Array.from({ length: N }, (_, i) => String(i)));
    expect(serverSocket.resumeCount).toBeGreaterThan(0);
    for (const q of queuedAtResume) expect(q).toBeLessThanOrEqual(LOW);
    expect(serverSocket.isPaused).toBe(false);
  }, 20_000);
});

/** Records calls of a socket method (after the real one runs). */
function spy(socket: MemorySocket, method: "pause" | "resume", record: () => void): void {
  const original = socket[method].bind(socket);
  socket[method] = () => {
    original();
    record();
  };
}

// The client side of the same rule (isChannelWritable): above the high-water mark a connection
// is unwritable, new calls wait for it to drain (their deadline still runs), then go out in order.
describe("client writability", () => {
  test("a server that does not read makes the channel unwritable; calls wait, time out, or go out once it drains", async () => {
    const transport = new MemoryTransport();
    transport.bufferLimit = 16 * 1024;
    transport.autoDrain = true;
    const { client, addr } = await memoryPair(transport, {}, (s) => s.registerProcessor(ECHO, echo), {
      writeBufferHighWaterMark: 32 * 1024,
      writeBufferLowWaterMark: 8 * 1024,
      scanIntervalMs: 20,
    });
    await client.invokeSync(addr, createRequest(ECHO), 5000);
    expect(client.isChannelWritable(addr)).toBe(true);
    const serverSocket = transport.side("server")[0]!;
    serverSocket.pause(); // the server does not read (as if its process were stuck)
    const big = Array.from({ length: 10 }, (_, i) => {
      const body = bytesOf(i, 10_000);
      return { body, call: asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO, { extFields: { i: String(i) }, body }), 10_000, cb)) };
    });
    await waitFor(() => !client.isChannelWritable(addr), "the channel to become unwritable");
    const queuedWhileBlocked = queuedBytes(client);
    // A call made now waits for the drain; with a short deadline it times out.
    const stalled = asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO, { extFields: { i: "stalled" } }), 100, cb));
    expect((await within(stalled.done, 2000)).error).toBeInstanceOf(RemotingTimeoutError);
    const waiting = asyncCall((cb) => client.invokeAsync(addr, createRequest(ECHO, { extFields: { i: "after" } }), 10_000, cb));
    await new Promise((resolve) => setImmediate(resolve)); // past the microtask that would flush it
    expect(queuedBytes(client)).toBe(queuedWhileBlocked); // nothing more was queued for the wire
    serverSocket.resume();
    for (const [i, { body, call }] of big.entries()) {
      const { error, response } = await within(call.done, 5000);
      expect(error).toBeNull();
      expect(response!.extFields).toEqual({ i: String(i) });
      expect(sameBytes(response!.body, body)).toBe(true);
    }
    expect((await within(waiting.done, 5000)).response!.extFields).toEqual({ i: "after" });
    expect(client.isChannelWritable(addr)).toBe(true);
    expect(stalled.calls()).toBe(1);
  }, 20_000);
});

/**
 * A socket that takes what `accept` allows per write and records the bytes, in order. A retaining
 * one (like Node's) records the very arrays it was given, so later changes to them would show.
 */
class ScriptedSocket implements TransportSocket {
  readonly remoteAddress = "127.0.0.1:1";
  readonly localAddress = "127.0.0.1:2";
  readonly written: Uint8Array[] = [];
  /** The arrays write() was given, as given. */
  readonly given: Uint8Array[] = [];
  writes = 0;
  closed = false;
  splitLongBatches?: () => boolean;
  constructor(
    public accept: (length: number) => number,
    readonly retainsWrittenBytes = false,
  ) {}
  write(bytes: Uint8Array): number {
    if (this.closed) return -1;
    this.writes++;
    this.given.push(bytes);
    const n = Math.min(bytes.length, this.accept(bytes.length));
    if (n > 0) this.written.push(this.retainsWrittenBytes ? bytes.subarray(0, n) : bytes.slice(0, n));
    return n;
  }
  end(): void {}
  destroy(): void {}
  pause(): void {}
  resume(): void {}
  decode(): RemotingCommand[] {
    return new FrameDecoder({ maxFrameLength: 64 << 20 }).push(new Uint8Array(Buffer.concat(this.written)));
  }
}

const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

// The write queue itself (src/core/connection/write-queue.ts), driven by a scripted socket: batching per
// event-loop turn, no loss or reordering under arbitrary short writes, water marks.
describe("WriteQueue", () => {
  test("frames queued in one turn go out in one write", async () => {
    const socket = new ScriptedSocket((n) => n);
    const queue = new WriteQueue(socket, { highWaterMark: 1 << 20, lowWaterMark: 1 << 18, ...FRAME_LIMITS }, () => {});
    const commands = Array.from({ length: 50 }, (_, i) => createRequest(ECHO, { opaque: i, extFields: { i: String(i) } }));
    for (const cmd of commands) queue.enqueue(cmd);
    expect(socket.writes).toBe(0); // nothing written synchronously
    await microtask();
    await microtask();
    expect(socket.writes).toBe(1);
    expect(socket.decode().map(plain)).toEqual(commands.map(plain));
    expect(queue.queuedBytes).toBe(0);
  });

  test("frames queued over several turns while waiting for drain go out in one write after the backlog", async () => {
    let accept = 10;
    const socket = new ScriptedSocket(() => accept);
    const queue = new WriteQueue(socket, { highWaterMark: 1 << 20, lowWaterMark: 1 << 18, ...FRAME_LIMITS }, () => {});
    const commands = Array.from({ length: 11 }, (_, i) => createRequest(ECHO, { opaque: i, body: new Uint8Array(100) }));
    queue.enqueue(commands[0]!);
    await microtask(); // the socket takes 10 bytes; the rest is the backlog
    accept = 0;
    for (const cmd of commands.slice(1)) {
      queue.enqueue(cmd);
      await microtask();
    }
    const writes = socket.writes;
    accept = Infinity;
    queue.onDrain();
    expect(socket.writes - writes).toBe(2); // the backlog, then the ten later frames together
    expect(queue.queuedBytes).toBe(0);
    expect(socket.decode().map(plain)).toEqual(commands.map(plain));
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`random short writes (seed ${seed}): every byte arrives once, in order`, async () => {
      const rng = new Random(seed);
      const socket = new ScriptedSocket(() => (rng.bool(0.2) ? 0 : rng.int(1, 40_000)));
      const flips: boolean[] = [];
      const queue = new WriteQueue(socket, { highWaterMark: 64 * 1024, lowWaterMark: 16 * 1024, ...FRAME_LIMITS }, (w) => flips.push(w));
      const commands: RemotingCommand[] = [];
      for (let turn = 0; turn < 30; turn++) {
        for (let k = rng.int(0, 8); k > 0; k--) {
          const cmd = randomCommand(rng, { maxBody: rng.bool(0.1) ? 150_000 : 2000 });
          commands.push(cmd);
          queue.enqueue(cmd);
        }
        await microtask();
        for (let d = rng.int(0, 6); d > 0; d--) queue.onDrain();
        // Writability flips alternate, starting with "unwritable".
        flips.forEach((w, i) => expect(w).toBe(i % 2 === 1));
        expect(queue.writable).toBe(flips.length % 2 === 0);
      }
      expect(flips.length).toBeGreaterThanOrEqual(2); // the seeds are chosen so that both directions happen
      socket.accept = (n) => n;
      while (queue.queuedBytes > 0) queue.onDrain();
      expect(queue.writable).toBe(true);
      expect(socket.decode().map(plain)).toEqual(commands.map((c) => plain(expectedAfterRoundTrip(c))));
    });
  }

  for (const seed of [6, 7, 8]) {
    test(`a socket that keeps the arrays it is given (Node) never sees them change (seed ${seed})`, async () => {
      const rng = new Random(seed);
      const socket = new ScriptedSocket(() => (rng.bool(0.3) ? 0 : rng.bool(0.7) ? Infinity : rng.int(1, 40_000)), true);
      const queue = new WriteQueue(socket, { highWaterMark: 64 * 1024, lowWaterMark: 16 * 1024, ...FRAME_LIMITS }, () => {});
      const commands: RemotingCommand[] = [];
      for (let turn = 0; turn < 40; turn++) {
        for (let k = rng.int(1, 10); k > 0; k--) {
          const cmd = randomCommand(rng, { maxBody: rng.bool(0.1) ? 100_000 : 3000 });
          commands.push(cmd);
          queue.enqueue(cmd);
        }
        await microtask();
        for (let d = rng.int(0, 3); d > 0; d--) queue.onDrain();
      }
      socket.accept = (n) => n;
      while (queue.queuedBytes > 0) queue.onDrain();
      expect(socket.decode().map(plain)).toEqual(commands.map((c) => plain(expectedAfterRoundTrip(c))));
    });
  }

  test("writability flips above the high-water mark and back at the low-water mark", async () => {
    let accept = 0;
    const socket = new ScriptedSocket(() => accept);
    const flips: { writable: boolean; queued: number }[] = [];
    const queue: WriteQueue = new WriteQueue(socket, { highWaterMark: 10_000, lowWaterMark: 4_000, ...FRAME_LIMITS }, (writable) =>
      flips.push({ writable, queued: queue.queuedBytes }),
    );
    const body = new Uint8Array(1000);
    for (let i = 0; i < 20; i++) queue.enqueue(createRequest(ECHO, { body }));
    await microtask();
    await microtask();
    expect(flips.length).toBe(1);
    expect(flips[0]!.writable).toBe(false);
    expect(flips[0]!.queued).toBeGreaterThan(10_000);
    // Drain in small steps: writable again only once at or below 4 000 bytes.
    accept = 1500;
    while (queue.queuedBytes > 0) {
      queue.onDrain();
      if (queue.queuedBytes > 4_000) expect(queue.writable).toBe(false);
    }
    expect(flips.length).toBe(2);
    expect(flips[1]!.writable).toBe(true);
    expect(flips[1]!.queued).toBeLessThanOrEqual(4_000);
    expect(socket.decode().length).toBe(20);
  });

  /** Holds the queue as a connection does while it handles a chunk, queueing `count` 300-byte answers `gapMs` apart. */
  function longBatch(socket: ScriptedSocket, count: number, gapMs: number): { commands: RemotingCommand[]; writesWhileHeld: number } {
    const queue = new WriteQueue(socket, { highWaterMark: 1 << 20, lowWaterMark: 1 << 18, ...FRAME_LIMITS }, () => {});
    const commands = Array.from({ length: count }, (_, i) => createResponse(0, null, { opaque: i, body: bytesOf(i, 300) }));
    queue.hold();
    for (const cmd of commands) {
      const until = performance.now() + gapMs;
      while (performance.now() < until); // a processor at work
      queue.enqueue(cmd);
    }
    const writesWhileHeld = socket.writes;
    queue.release();
    expect(queue.queuedBytes).toBe(0);
    return { commands, writesWhileHeld };
  }

  test("a long batch's answers go out in parts when the socket asks for it, in order and intact", () => {
    const socket = new ScriptedSocket((n) => n);
    let asked = 0;
    socket.splitLongBatches = () => (asked++, true);
    // 60 answers 0.05 ms apart: at least 3 ms in all, so parts leave while the batch is still held.
    const { commands, writesWhileHeld } = longBatch(socket, 60, 0.05);
    expect(writesWhileHeld).toBeGreaterThanOrEqual(3);
    expect(asked).toBe(writesWhileHeld); // asked only when a part was due
    expect(socket.decode().map(plain)).toEqual(commands.map(plain));
  });

  test("a long batch's first part leaves no sooner than 0.03 ms into it, the later ones at most one per 0.1 ms", () => {
    const writtenAt: number[] = [];
    const socket = new ScriptedSocket((n) => (writtenAt.push(performance.now()), n));
    socket.splitLongBatches = () => true;
    const start = performance.now();
    const { commands, writesWhileHeld } = longBatch(socket, 80, 0.02);
    const held = writtenAt[writesWhileHeld]! - start; // the last write is release()'s
    expect(writesWhileHeld).toBeGreaterThanOrEqual(3); // 1.6 ms at least: a first part and several 0.1 ms ones
    expect(writtenAt[0]! - start).toBeGreaterThanOrEqual(0.03);
    expect(writesWhileHeld).toBeLessThanOrEqual(1 + Math.floor((held - 0.03) / 0.1));
    expect(socket.decode().map(plain)).toEqual(commands.map(plain));
  });

  test("a long batch stays one write when the socket says no, or says nothing", () => {
    for (const split of [false, undefined]) {
      const socket = new ScriptedSocket((n) => n);
      let asked = 0;
      if (split !== undefined) socket.splitLongBatches = () => (asked++, split);
      const { commands, writesWhileHeld } = longBatch(socket, 60, 0.05);
      expect(writesWhileHeld).toBe(0);
      expect(socket.writes).toBe(1);
      expect(asked).toBeLessThanOrEqual(1); // once per batch, however long
      expect(socket.decode().map(plain)).toEqual(commands.map(plain));
    }
  });

  test("a short batch reads no clock and asks nothing", () => {
    const socket = new ScriptedSocket((n) => n);
    let asked = 0;
    socket.splitLongBatches = () => (asked++, true);
    longBatch(socket, 2, 0.5); // under 1 KiB of answers: never checked, however slow
    expect(asked).toBe(0);
    expect(socket.writes).toBe(1);
  });

  test("after close nothing more is written", async () => {
    const socket = new ScriptedSocket(() => 10);
    const queue = new WriteQueue(socket, { highWaterMark: 1 << 20, lowWaterMark: 1 << 18, ...FRAME_LIMITS }, () => {});
    queue.enqueue(createRequest(ECHO, { body: new Uint8Array(100) }));
    await microtask();
    await microtask();
    const writes = socket.writes;
    queue.close();
    queue.enqueue(createRequest(ECHO));
    queue.onDrain();
    await microtask();
    expect(socket.writes).toBe(writes);
    expect(queue.queuedBytes).toBe(0);
  });
});

// A large body received in a reassembly buffer of its own goes out again with its header written in
// the dead bytes before it (src/protocol/headroom.ts): one write, the body not copied.
describe("WriteQueue, a received large body sent on", () => {
  const options = { highWaterMark: 1 << 30, lowWaterMark: 1 << 20, ...FRAME_LIMITS };

  /** A 256 KiB request received in pieces, as a connection's decoder hands it out. */
  function receivedLarge(seed: number, serializeType: "JSON" | "ROCKETMQ" = "JSON"): RemotingCommand {
    const frame = encodeFrame(createRequest(BIG, { body: bytesOf(seed, 256 * 1024), extFields: { topic: "t".repeat(40) }, serializeType }));
    const decoder = new FrameDecoder();
    const out: RemotingCommand[] = [];
    for (let off = 0; off < frame.length; off += 65_536) decoder.feed(frame.subarray(off, off + 65_536), (c) => out.push(c));
    return out[0]!;
  }

  for (const retains of [false, true]) {
    test(`its response frame is one write over the body's own buffer, intact (${retains ? "Node" : "Bun"} socket)`, async () => {
      const request = receivedLarge(1);
      const body = request.body!;
      const original = body.slice();
      const socket = new ScriptedSocket((n) => n, retains);
      const queue = new WriteQueue(socket, options, () => {});
      const response = createResponse(0, null, { opaque: 7, body, extFields: { k: "v" } });
      queue.enqueue(response);
      expect(socket.writes).toBe(1);
      expect(socket.given[0]!.buffer).toBe(body.buffer); // the header went in front of the body: no copy
      expect(socket.decode().map(plain)).toEqual([plain(expectedAfterRoundTrip(response))]);
      expect(Buffer.compare(body, original)).toBe(0);
    });
  }

  test("the room is used once: the same body sent again is copied next to its header, and both frames arrive intact", async () => {
    const body = receivedLarge(2).body!;
    const socket = new ScriptedSocket((n) => n);
    const queue = new WriteQueue(socket, options, () => {});
    const first = createResponse(0, null, { opaque: 1, body });
    const second = createResponse(0, null, { opaque: 2, body });
    queue.enqueue(first);
    queue.enqueue(second);
    expect(socket.given.map((g) => g.buffer === body.buffer)).toEqual([true, false]);
    expect(socket.decode().map(plain)).toEqual([first, second].map((c) => plain(expectedAfterRoundTrip(c))));
  });

  test("a view that does not start where the body did, or a header larger than the room, never writes over bytes before it", async () => {
    const body = receivedLarge(3, "ROCKETMQ").body!;
    const original = body.slice();
    const socket = new ScriptedSocket((n) => n);
    const queue = new WriteQueue(socket, options, () => {});
    const inner = createResponse(0, null, { opaque: 1, body: body.subarray(100) });
    queue.enqueue(inner);
    const big = createResponse(0, "r".repeat(4000), { opaque: 2, body });
    queue.enqueue(big);
    expect(socket.given.some((g) => g.buffer === body.buffer)).toBe(false);
    expect(Buffer.compare(body, original)).toBe(0);
    expect(socket.decode().map(plain)).toEqual([inner, big].map((c) => plain(expectedAfterRoundTrip(c))));
  });

  test("small frames gathered in the same turn go in front of it, in order, under short writes", async () => {
    const rng = new Random(9);
    const socket = new ScriptedSocket(() => (rng.bool(0.3) ? 0 : rng.int(1, 50_000)));
    const queue = new WriteQueue(socket, options, () => {});
    const commands: RemotingCommand[] = [];
    for (let i = 0; i < 12; i++) {
      const small = createResponse(0, null, { opaque: 2 * i, extFields: { i: String(i) } });
      const large = createResponse(0, null, { opaque: 2 * i + 1, body: receivedLarge(10 + i).body! });
      commands.push(small, large);
      queue.enqueue(small);
      queue.enqueue(large);
      for (let d = rng.int(0, 3); d > 0; d--) queue.onDrain();
    }
    socket.accept = (n) => n;
    while (queue.queuedBytes > 0) queue.onDrain();
    expect(socket.given.filter((g) => g.buffer.byteLength >= 256 * 1024 && g.byteOffset > 0).length).toBeGreaterThan(0);
    expect(socket.decode().map(plain)).toEqual(commands.map((c) => plain(expectedAfterRoundTrip(c))));
  });
});
