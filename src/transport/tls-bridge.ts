import { Duplex } from "node:stream";
import { createSecureContext, TLSSocket, type SecureContext } from "node:tls";
import { RemotingTlsError } from "../errors.ts";
import type { ServerTlsOptions, SocketHandler } from "../core/transport.ts";

/*
 * Server-side TLS on a socket that was accepted as plaintext: RocketMQ serves TLS and plaintext
 * clients on one port and tells them apart by the first byte, which has been read by then. Bun's
 * socket.upgradeTLS() cannot take those bytes back (the ClientHello would be lost), so the TLS
 * session runs in node:tls over a Duplex that the raw socket feeds: ciphertext in and out of the
 * raw socket, plaintext to and from the core. OpenSSL does the crypto; the bridge only moves bytes
 * and carries backpressure both ways. Plaintext connections never touch it.
 */

/** The raw (ciphertext) socket, with Bun's write contract: the bytes taken, -1 once closed. */
export interface RawSocket {
  write(bytes: Uint8Array): number;
  end(): void;
  destroy(): void;
  pause(): void;
  resume(): void;
}

/** A listener's TLS material, loaded once. */
export interface ServerTlsContext {
  readonly secureContext: SecureContext;
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
}

/** Loads the server's key and certificates; a bad key or certificate fails here, at start(). */
export function serverTlsContext(options: ServerTlsOptions): ServerTlsContext {
  const { key, cert, ca, passphrase } = options;
  try {
    return {
      secureContext: createSecureContext({ key: pemInput(key), cert: pemInput(cert), ca: ca === undefined ? undefined : pemInput(ca), passphrase }),
      requestCert: options.requestCert === true,
      rejectUnauthorized: options.rejectUnauthorized !== false,
    };
  } catch (error) {
    throw new RemotingTlsError(`server TLS: cannot load the key or certificates (option "tls"): ${(error as Error).message}`, { cause: error });
  }
}

type PemInput = string | Buffer | (string | Buffer)[];

function pemInput(value: string | Uint8Array | (string | Uint8Array)[]): PemInput {
  const one = (v: string | Uint8Array): string | Buffer => (typeof v === "string" ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  return Array.isArray(value) ? value.map(one) : one(value);
}

/**
 * One TLS server session. Toward the raw socket it is the SocketHandler (ciphertext arrives in
 * onData); toward the core it is the socket's plaintext side (write, end, pause...), and it calls
 * the core's handler with decrypted data, drain, secure and close (exactly once).
 */
export class TlsServerBridge implements SocketHandler {
  private readonly tls: TLSSocket;
  private readonly cipher: Duplex;
  /** Ciphertext the raw socket did not take yet, and the stream callback waiting for it. */
  private unsent: Uint8Array | null = null;
  private unsentDone: (() => void) | null = null;
  /** The TLS socket's buffer is full: refuse plaintext until it drains. */
  private blocked = false;
  /** Why raw reading is paused: the core asked (backpressure), or the cipher stream is full. */
  private pausedByCore = false;
  private pausedByCipher = false;
  private error: Error | undefined;
  private closed = false;

  constructor(
    private readonly raw: RawSocket,
    context: ServerTlsContext,
    private readonly handler: SocketHandler,
    initial: Uint8Array,
  ) {
    this.cipher = new Duplex({
      read: () => this.setCipherPaused(false),
      write: (chunk: Buffer, _encoding, done) => this.writeCipher(chunk, done),
      final: (done) => {
        raw.end();
        done();
      },
    });
    const tls = new TLSSocket(this.cipher, {
      isServer: true,
      secureContext: context.secureContext,
      requestCert: context.requestCert,
      rejectUnauthorized: context.rejectUnauthorized,
    });
    this.tls = tls;
    tls.on("secure", () => this.onHandshake(context));
    tls.on("data", (chunk: Buffer) => {
      if (!this.closed) handler.onData(chunk);
    });
    tls.on("drain", () => {
      if (!this.blocked) return;
      this.blocked = false;
      handler.onDrain();
    });
    tls.on("error", (error: Error) => {
      this.error ??= new RemotingTlsError(`TLS: ${error.message}`, { cause: error });
      raw.destroy();
    });
    tls.on("close", () => this.finish());
    this.onData(initial);
  }

  // ---- the raw (ciphertext) side ---------------------------------------------------------------

  onData(chunk: Uint8Array): void {
    if (!this.cipher.push(chunk)) this.setCipherPaused(true);
  }

  onDrain(): void {
    const bytes = this.unsent;
    if (bytes === null) return;
    const n = this.raw.write(bytes);
    if (n < 0) return; // closed: onClose follows
    if (n < bytes.length) {
      this.unsent = bytes.subarray(n);
      return;
    }
    const done = this.unsentDone!;
    this.unsent = null;
    this.unsentDone = null;
    done();
  }

  onClose(error?: Error): void {
    if (error !== undefined) this.error ??= error;
    this.cipher.push(null);
    this.tls.destroy();
    // The TLS layer may still be about to report why (a refused client certificate makes the peer
    // hang up first): its 'close' event, or at the latest the next turn, ends the session.
    setImmediate(() => this.finish());
  }

  // ---- the plaintext side, for the core --------------------------------------------------------

  /** Takes all of `bytes` (copied: the core reuses its buffer), or nothing while the TLS buffer is full. */
  write(bytes: Uint8Array): number {
    if (this.closed) return -1;
    if (this.blocked) return 0;
    this.blocked = !this.tls.write(Buffer.from(bytes));
    return bytes.length;
  }

  /** Sends close_notify after what was written, then FIN. */
  end(): void {
    this.tls.end();
  }

  destroy(): void {
    this.raw.destroy();
    this.tls.destroy();
  }

  pause(): void {
    this.pausedByCore = true;
    this.tls.pause();
    this.raw.pause();
  }

  resume(): void {
    this.pausedByCore = false;
    this.tls.resume();
    if (!this.pausedByCipher) this.raw.resume();
  }

  // ---- internals --------------------------------------------------------------------------------

  private onHandshake(context: ServerTlsContext): void {
    // Checked here rather than trusted to the TLS layer: the rule must hold on every runtime.
    if (context.requestCert && context.rejectUnauthorized && !this.tls.authorized) {
      const why = this.tls.authorizationError ?? "no certificate";
      this.error = new RemotingTlsError(`TLS: client certificate refused (${String(why)})`);
      this.destroy();
      return;
    }
    this.handler.onSecure?.();
  }

  private writeCipher(chunk: Buffer, done: () => void): void {
    const n = this.raw.write(chunk);
    if (n < 0 || n === chunk.length) {
      done(); // all sent, or closed (onClose follows)
      return;
    }
    this.unsent = chunk.subarray(n);
    this.unsentDone = done;
  }

  private setCipherPaused(paused: boolean): void {
    if (this.pausedByCipher === paused) return;
    this.pausedByCipher = paused;
    if (paused) this.raw.pause();
    else if (!this.pausedByCore) this.raw.resume();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler.onClose(this.error);
  }
}
