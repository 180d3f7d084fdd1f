/**
 * The package root under Node: the same names as src/index.ts (the root under Bun), with
 * RemotingServer / RemotingClient on node:net, the very classes of `bun-remoting/node`.
 */
export * from "./surface.ts";
export { RemotingClient, RemotingServer } from "./node.ts";
