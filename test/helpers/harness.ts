import { createResponse, RemotingClient, RemotingServer, silentLogger } from "../../src/index.ts";
import { EndpointHarness, echoProcessor, HOST } from "./endpoint-harness.ts";

/**
 * Shared plumbing for the core behaviour tests, bound to the sources on Bun sockets: servers and
 * clients on loopback that are always shut down (afterEach), promise helpers, and the echo processor
 * of RocketMQ's own remoting tests.
 */

export { addrOf, HOST } from "./endpoint-harness.ts";
export * from "./promises.ts";

/** The processor of RocketMQ's RemotingServerTest: echoes the request back, remark "Hi <addr>". */
export const echo = echoProcessor(createResponse);

/** A port on 127.0.0.1 that nothing listens on (bound, read, released). */
export function closedPort(): number {
  const listener = Bun.listen({ hostname: HOST, port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

/** Servers and clients on Bun sockets, shut down after each test. */
export class Harness extends EndpointHarness {
  constructor() {
    super({ RemotingServer, RemotingClient, silentLogger });
  }
}
