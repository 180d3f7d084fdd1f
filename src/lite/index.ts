/**
 * bun-remoting/lite: an in-memory RocketMQ for development and tests. NameServerLite and BrokerLite
 * speak the protocol as RocketMQ 4.9.8's name server and broker do, so this package's Producer and
 * stock Java clients work against them; `bun-remoting lite` starts both from the command line.
 */
export { BrokerLite, type BrokerLiteOptions, type BrokerLiteStats } from "./broker-lite.ts";
export type { LiteServerOptions } from "./lite-server.ts";
export { NameServerLite, type NameServerLiteOptions } from "./name-server-lite.ts";
