import { bunTransport, type ConnectOptions, type SocketHandler, type Transport, type TransportSocket } from "../../src/bun.ts";

/**
 * Wraps a transport (Bun's by default) to count connect attempts per port, and to make connects
 * to chosen ports behave like a blackholed address: they never complete and are rejected at the
 * caller's connect timeout, exactly like the Bun transport's own timer. No packet leaves loopback.
 */
export class SpyTransport implements Transport {
  readonly name = "spy";
  readonly connects: ConnectOptions[] = [];
  /** Ports whose connects hang until their timeoutMs. */
  readonly blackholed = new Set<number>();

  constructor(private readonly inner: Transport = bunTransport) {}

  listen: Transport["listen"] = (options, accept) => this.inner.listen(options, accept);

  connect(options: ConnectOptions, attach: (socket: TransportSocket) => SocketHandler): Promise<TransportSocket> {
    this.connects.push(options);
    if (this.blackholed.has(options.port)) {
      return new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`connect to ${options.host}:${options.port} timed out after ${options.timeoutMs} ms`)), options.timeoutMs),
      );
    }
    return this.inner.connect(options, attach);
  }

  connectsTo(port: number): number {
    return this.connects.filter((c) => c.port === port).length;
  }
}
