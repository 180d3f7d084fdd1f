import type { Transport } from "../core/transport.ts";

/**
 * The running runtime's sockets: Bun's under Bun, node:net elsewhere. For the parts of the package
 * that open connections from an async start() (the RocketMQ producer, consumer and lite servers)
 * and so need no entry point per runtime; only the chosen transport's module is loaded.
 */
export async function runtimeTransport(): Promise<Transport> {
  if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined") return (await import("./bun.ts")).bunTransport;
  return (await import("./node.ts")).nodeTransport;
}
