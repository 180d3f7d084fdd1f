import * as net from "node:net";
import type { createResponse, encodeFrame, FrameDecoder, RemotingCommand } from "../../src/surface.ts";
import { deferred, waitFor, type Deferred } from "./promises.ts";

/**
 * Raw loopback peers on node:net (both runtimes implement it), to see exactly which bytes the
 * library sends and to send it whatever bytes a test wants (garbage, half frames, stray responses).
 * Frames are decoded and encoded with the codec of the library under test.
 */

export const HOST = "127.0.0.1";

/** What the raw peers need from the library under test. */
export interface Codec {
  FrameDecoder: typeof FrameDecoder;
  encodeFrame: typeof encodeFrame;
  createResponse: typeof createResponse;
}

/** Tracks a socket's received bytes, decoded frames and close. */
class RawEnd {
  /** Every chunk as it arrived. */
  readonly chunks: Uint8Array[] = [];
  bytesReceived = 0;
  /** Frames decoded from what arrived (a decode failure is kept in `decodeError`). */
  readonly frames: RemotingCommand[] = [];
  decodeError: Error | null = null;
  readonly closed: Deferred<void> = deferred<void>();
  /** Set when the socket closed. */
  isClosed = false;
  private readonly decoder: FrameDecoder;

  constructor(
    readonly socket: net.Socket,
    protected readonly codec: Codec,
    onFrame: (frame: RemotingCommand) => void = () => {},
  ) {
    this.decoder = new codec.FrameDecoder({ maxFrameLength: 64 * 1024 * 1024 });
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.bytesReceived += chunk.length;
      if (this.decodeError !== null) return;
      try {
        for (const frame of this.decoder.push(chunk)) {
          this.frames.push(frame);
          onFrame(frame);
        }
      } catch (error) {
        this.decodeError = error as Error;
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.isClosed = true;
      this.closed.resolve();
    });
  }

  /** Writes all of `bytes`; resolves once they were handed to the kernel. */
  send(bytes: Uint8Array | string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  sendFrame(cmd: RemotingCommand): Promise<void> {
    return this.send(this.codec.encodeFrame(cmd));
  }

  /** Queues `bytes` now, in order with what was written before (for callbacks that must not await). */
  write(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  async waitForFrames(n: number, timeoutMs = 3000): Promise<RemotingCommand[]> {
    await waitFor(() => this.frames.length >= n || this.decodeError !== null, `${n} frames (have ${this.frames.length})`, timeoutMs);
    if (this.decodeError !== null) throw this.decodeError;
    return this.frames;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** FIN after what was written; the socket still reads until the peer closes (a half-close). */
  end(): void {
    this.socket.end();
  }

  /** RST. */
  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }
}

/** A raw client connection. */
export class RawClient extends RawEnd {
  /** `allowHalfOpen`: stay writable after the peer's FIN (node:net ends our side then by default). */
  static async connect(codec: Codec, port: number, options: { allowHalfOpen?: boolean } = {}): Promise<RawClient> {
    const socket = net.connect({ host: HOST, port, allowHalfOpen: options.allowHalfOpen ?? false });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawClient(socket, codec);
  }
}

/** One accepted connection of a RawServer. */
export class RawConnection extends RawEnd {
  /** Answers `request` with `response` (its opaque and the response flag set). */
  reply(request: RemotingCommand, response: RemotingCommand = this.codec.createResponse(0, "raw")): void {
    response.opaque = request.opaque;
    response.flag |= 1;
    this.write(this.codec.encodeFrame(response));
  }
}

/** A raw listener that hands each decoded frame to `onRequest`, which may answer, answer wrongly, or not. */
export class RawServer {
  readonly connections: RawConnection[] = [];

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(codec: Codec, onRequest: (conn: RawConnection, request: RemotingCommand) => void = () => {}): Promise<RawServer> {
    let raw: RawServer | null = null;
    const server = net.createServer((socket) => {
      const conn: RawConnection = new RawConnection(socket, codec, (frame) => onRequest(conn, frame));
      raw!.connections.push(conn);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: HOST, port: 0 }, resolve);
    });
    raw = new RawServer(server, (server.address() as net.AddressInfo).port);
    return raw;
  }

  stop(): void {
    this.server.close();
    for (const conn of this.connections) conn.reset();
  }
}
