import { connect } from "node:net";
import type { JobCase } from "../job.ts";
import { openAll, type BenchConnection, type Done, type Driver } from "./driver.ts";

/**
 * The socket limit: the runtime's own sockets against a raw echo server (bench/e2e/raw-server.ts),
 * frames of the size the library's requests have for the case, no codec and no dispatch. Answers
 * are matched by order (the echo keeps it). Writes are batched per event-loop turn, as the library
 * does, so this is the best a client can do with these sockets.
 */
class RawStream implements BenchConnection {
  /** Bytes of requested frames not yet taken by the socket. */
  private owed = 0;
  /** Bytes received towards the next answer. */
  private received = 0;
  private flushScheduled = false;
  private readonly dones: (Done | undefined)[];
  private readonly mask: number;
  private head = 0;
  private tail = 0;
  /** Frame bytes (content is irrelevant to an echo), enough for a whole window. */
  private readonly out: Uint8Array;
  private readonly flushTask = (): void => this.flush();
  write: (bytes: Uint8Array) => number = () => -1;
  end: () => void = () => {};

  constructor(private readonly frameBytes: number, window: number) {
    let capacity = 2;
    while (capacity <= window) capacity *= 2;
    this.dones = new Array<Done | undefined>(capacity);
    this.mask = capacity - 1;
    this.out = new Uint8Array(frameBytes * window).fill(7);
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
    done(new Error("the raw echo has no oneway form"));
  }

  /** Writes what is owed; a short write waits for drain. */
  flush(): void {
    this.flushScheduled = false;
    while (this.owed > 0) {
      const length = Math.min(this.owed, this.out.length);
      const n = this.write(this.out.subarray(0, length));
      if (n <= 0) return;
      this.owed -= n;
      if (n < length) return;
    }
  }

  onData(length: number): void {
    this.received += length;
    while (this.received >= this.frameBytes) {
      this.received -= this.frameBytes;
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

async function openBun(stream: RawStream, port: number): Promise<void> {
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_socket, chunk) => stream.onData(chunk.length),
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
  socket.on("data", (chunk: Buffer) => stream.onData(chunk.length));
  socket.on("close", () => stream.onClose());
  socket.on("error", () => {});
  // Node buffers what it is given and keeps a reference: the frame bytes never change, so sharing is safe.
  stream.write = (bytes) => (socket.write(bytes), bytes.length);
  stream.end = () => void socket.end();
}

export const rawDriver: Driver = async (c: JobCase, port: number) => {
  const perConnection = Math.ceil(c.inFlight / c.connections);
  const open = typeof Bun !== "undefined" ? openBun : openNode;
  return openAll(c.connections, async () => {
    const stream = new RawStream(c.frameBytes, perConnection);
    await open(stream, port);
    return stream;
  });
};
