/**
 * `bun-remoting/bun` (Bun only): the package root on Bun sockets, and bunTransport itself, for
 * passing as the `transport` option or calling directly.
 */
export * from "./index.ts";
export { bunTransport } from "./transport/bun.ts";
