import { connect } from "node:net";
import { SEND_TOPIC } from "../cases.ts";
import type { JobCase } from "../job.ts";
import { FixedAnswers, type AnswerCounter } from "./answers.ts";
import { openAll, type BenchConnection, type Done, type Driver } from "./driver.ts";

/**
 * The socket limit: the runtime's own sockets, frames written as they are (no codec, no dispatch),
 * answers only counted and matched by order. Against a raw echo server (bench/e2e/raw-server.ts)
 * the frames are filler of the size the library's requests have for the case; against a broker,
 * real requests encoded once (raw-send.ts). Writes are batched per event-loop turn, as the library
 * does, so this is the best a client can do with these sockets.
 */
export class RawStream implements BenchConnection {
  /** Bytes of requested frames not yet taken by the socket. */
  private owed = 0;
  /** Where the next byte owed starts in `out`, within its first cycle (each of the frames once). */
  private cursor = 0;
  private flushScheduled = false;
  private readonly dones: (Done | undefined)[];
  private readonly mask: number;
  private head = 0;
  private tail = 0;
  /** The frames, written in turn: the cycle repeated, so that a whole window can be written from any cursor. */
  private readonly out: Uint8Array;
  private readonly cycleBytes: number;
  private readonly frameBytes: number;
  private readonly flushTask = (): void => this.flush();
  write: (bytes: Uint8Array) => number = () => -1;
  end: () => void = () => {};

  constructor(
    frames: readonly Uint8Array[],
    window: number,
    private readonly answers: AnswerCounter,
  ) {
    let capacity = 2;
    while (capacity <= window) capacity *= 2;
    this.dones = new Array<Done | undefined>(capacity);
    this.mask = capacity - 1;
    const frameBytes = frames[0]!.length;
    if (frames.some((f) => f.length !== frameBytes)) throw new Error("raw frames must all have one length");
    this.cycleBytes = frames.length * frameBytes;
    this.out = new Uint8Array(this.cycleBytes + window * frameBytes);
    for (let at = 0, i = 0; at < this.out.length; at += frameBytes, i++) this.out.set(frames[i % frames.length]!, at);
    this.frameBytes = frameBytes;
  }

  call(done: Done): void {
    this.dones[this.tail] = done;
    this.tail = (this.tail + 1) & this.mask;
    this.owed += this.frameBytes;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushTask);
    }
  }

  oneway(done: Done): void {
    done(new Error("the raw client has no oneway form"));
  }

  /** Writes what is owed; a short write waits for drain. */
  flush(): void {
    this.flushScheduled = false;
    while (this.owed > 0) {
      const length = Math.min(this.owed, this.out.length - this.cursor);
      const n = this.write(this.out.subarray(this.cursor, this.cursor + length));
      if (n <= 0) return;
      this.owed -= n;
      this.cursor = (this.cursor + n) % this.cycleBytes;
      if (n < length) return;
    }
  }

  onData(chunk: Uint8Array): void {
    for (let answered = this.answers.count(chunk); answered > 0; answered--) {
      const done = this.dones[this.head]!;
      this.dones[this.head] = undefined;
      this.head = (this.head + 1) & this.mask;
      done(null);
    }
  }

  /** Fails every call still waiting (the connection is gone). */
  onClose(): void {
    while (this.head !== this.tail) {
      const done = this.dones[this.head]!;
      this.dones[this.head] = undefined;
      this.head = (this.head + 1) & this.mask;
      done(new Error("raw connection closed"));
    }
  }

  close(): Promise<void> {
    this.end();
    return Promise.resolve();
  }
}

/** Connects `stream` to 127.0.0.1:`port` with Bun's sockets. */
export async function openBun(stream: RawStream, port: number): Promise<void> {
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_socket, chunk) => stream.onData(chunk),
      drain: () => stream.flush(),
      close: () => stream.onClose(),
      error: () => {},
    },
  });
  stream.write = (bytes) => socket.write(bytes);
  stream.end = () => void socket.end();
}

async function openNode(stream: RawStream, port: number): Promise<void> {
  const socket = connect({ host: "127.0.0.1", port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("data", (chunk: Buffer) => stream.onData(chunk));
  socket.on("close", () => stream.onClose());
  socket.on("error", () => {});
  // Node buffers what it is given and keeps a reference: the frame bytes never change, so sharing is safe.
  stream.write = (bytes) => (socket.write(bytes), bytes.length);
  stream.end = () => void socket.end();
}

/** The raw echo's connections; a send case's are raw-send.ts's, to the broker the name server on `port` names (Bun only). */
export const rawDriver: Driver = async (c: JobCase, port: number) => {
  const perConnection = Math.ceil(c.inFlight / c.connections);
  if (c.call === "send") {
    const { rawSendStream } = await import("./raw-send.ts");
    return openAll(c.connections, () => rawSendStream(`127.0.0.1:${port}`, SEND_TOPIC, new Uint8Array(c.bodyBytes).fill(7), perConnection));
  }
  const open = typeof Bun !== "undefined" ? openBun : openNode;
  const filler = new Uint8Array(c.frameBytes).fill(7);
  return openAll(c.connections, async () => {
    const stream = new RawStream([filler], perConnection, new FixedAnswers(c.frameBytes));
    await open(stream, port);
    return stream;
  });
};
