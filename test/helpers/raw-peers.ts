import type { Socket, TCPSocketListener } from "bun";
import { createResponse, encodeFrame, FrameDecoder, type RemotingCommand } from "../../src/index.ts";
import { deferred, HOST, sleep, waitFor, type Deferred, type Harness } from "./harness.ts";

/**
 * Raw loopback peers written with Bun sockets directly, to see exactly which bytes the library
 * sends and to send it whatever bytes a test wants (garbage, half frames, stray responses).
 */

/** A raw client connection: records every byte it receives and decodes them as frames. */
export class RawClient {
  private socket: Socket<undefined> | null = null;
  readonly chunks: Uint8Array[] = [];
  bytesReceived = 0;
  /** Frames decoded from what arrived (a decode failure is kept in `decodeError`). */
  readonly frames: RemotingCommand[] = [];
  decodeError: Error | null = null;
  private readonly decoder = new FrameDecoder({ maxFrameLength: 64 * 1024 * 1024 });
  readonly closed: Deferred<void> = deferred<void>();
  /** Set when the socket closed. */
  isClosed = false;

  /** `allowHalfOpen`: the socket stays readable after `shutdown()` (our FIN) until the peer closes. */
  static async connect(port: number, harness?: Harness, options: { allowHalfOpen?: boolean } = {}): Promise<RawClient> {
    const raw = new RawClient();
    raw.socket = await Bun.connect({
      hostname: HOST,
      port,
      allowHalfOpen: options.allowHalfOpen ?? false,
      socket: {
        data: (_s, chunk) => raw.onData(new Uint8Array(chunk)),
        close: () => {
          raw.isClosed = true;
          raw.closed.resolve();
        },
        error: () => {},
        connectError: () => {},
      },
    });
    harness?.defer(() => raw.destroy());
    return raw;
  }

  private onData(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.bytesReceived += chunk.length;
    if (this.decodeError !== null) return;
    try {
      for (const frame of this.decoder.push(chunk)) this.frames.push(frame);
    } catch (error) {
      this.decodeError = error as Error;
    }
  }

  /** Writes all of `bytes`, waiting for the kernel to take them. */
  async send(bytes: Uint8Array | string): Promise<void> {
    let data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    while (data.length > 0) {
      const n = this.socket!.write(data);
      if (n < 0) throw new Error("raw client: socket closed");
      data = data.subarray(n);
      if (data.length > 0) await sleep(1);
    }
  }

  sendFrame(cmd: RemotingCommand): Promise<void> {
    return this.send(encodeFrame(cmd));
  }

  async waitForFrames(n: number, timeoutMs = 3000): Promise<RemotingCommand[]> {
    await waitFor(() => this.frames.length >= n || this.decodeError !== null, `${n} frames (have ${this.frames.length})`, timeoutMs);
    if (this.decodeError !== null) throw this.decodeError;
    return this.frames;
  }

  pause(): void {
    this.socket!.pause();
  }

  resume(): void {
    this.socket!.resume();
  }

  end(): void {
    this.socket?.end();
  }

  /** Half-close: FIN, but keep reading (connect with allowHalfOpen). */
  shutdown(): void {
    this.socket!.shutdown(true);
  }

  destroy(): void {
    if (!this.isClosed) this.socket?.terminate();
  }
}

/** One accepted connection of a RawServer. */
export class RawConnection {
  readonly frames: RemotingCommand[] = [];
  bytesReceived = 0;
  private readonly decoder = new FrameDecoder();
  readonly closed: Deferred<void> = deferred<void>();
  isClosed = false;

  constructor(readonly socket: Socket<{ conn: RawConnection | null }>) {}

  onData(chunk: Uint8Array, server: RawServer): void {
    this.bytesReceived += chunk.length;
    for (const frame of this.decoder.push(chunk)) {
      this.frames.push(frame);
      server.onRequest(this, frame);
    }
  }

  /** Writes `bytes` (the kernel takes small writes whole on loopback; checked). */
  write(bytes: Uint8Array | string): void {
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    const n = this.socket.write(data);
    if (n !== data.length) throw new Error(`raw server: short write ${n} of ${data.length}`);
  }

  /** Answers `request` with `response` (its opaque and the response flag set). */
  reply(request: RemotingCommand, response: RemotingCommand = createResponse(0, "raw")): void {
    response.opaque = request.opaque;
    response.flag |= 1;
    this.write(encodeFrame(response));
  }

  end(): void {
    this.socket.end();
  }
}

/**
 * A raw listener: decodes the frames each connection sends and hands them to `onRequest`, which may
 * answer, answer wrongly, or never answer.
 */
export class RawServer {
  private listener: TCPSocketListener<{ conn: RawConnection | null }> | null = null;
  readonly connections: RawConnection[] = [];

  private constructor(readonly onRequest: (conn: RawConnection, request: RemotingCommand) => void) {}

  static start(harness: Harness, onRequest: (conn: RawConnection, request: RemotingCommand) => void = () => {}): RawServer {
    const server = new RawServer(onRequest);
    server.listener = Bun.listen<{ conn: RawConnection | null }>({
      hostname: HOST,
      port: 0,
      socket: {
        open: (socket) => {
          const conn = new RawConnection(socket);
          socket.data = { conn };
          server.connections.push(conn);
        },
        data: (socket, chunk) => socket.data.conn?.onData(new Uint8Array(chunk), server),
        close: (socket) => {
          const conn = socket.data?.conn;
          if (conn) {
            conn.isClosed = true;
            conn.closed.resolve();
          }
        },
        error: () => {},
      },
    });
    harness.defer(() => server.stop());
    return server;
  }

  get port(): number {
    return this.listener!.port;
  }

  stop(): void {
    this.listener?.stop(true);
    this.listener = null;
  }
}
