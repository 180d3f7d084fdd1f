import { afterEach } from "bun:test";
import {
  createResponse,
  encodeFrame,
  FrameDecoder,
  type ProcessorContext,
  type RemotingChannel,
  RemotingClient,
  type RemotingCommand,
  RemotingServer,
  silentLogger,
} from "../../src/index.ts";
import { EndpointHarness, echoProcessor } from "./endpoint-harness.ts";
import { deferred } from "./promises.ts";

/**
 * Shared plumbing for the core behaviour tests, bound to the sources on Bun sockets: servers and
 * clients on loopback that are always shut down (afterEach), promise helpers, and the echo processor
 * of RocketMQ's own remoting tests.
 */

export { addrOf, HOST } from "./endpoint-harness.ts";
export * from "./promises.ts";
export { unusedPort } from "./unused-port.ts";

/** The processor of RocketMQ's RemotingServerTest: echoes the request back, remark "Hi <addr>". */
export const echo = echoProcessor(createResponse);

/** Servers and clients on Bun sockets (raw peers on node:net), shut down after each test. */
export class Harness extends EndpointHarness {
  constructor() {
    super({ RemotingServer, RemotingClient, silentLogger, FrameDecoder, encodeFrame, createResponse });
  }
}

/** One Harness for a test file, cleaned up after every test. */
export function useHarness(): Harness {
  const h = new Harness();
  afterEach(() => h.cleanup());
  return h;
}

/** An echo processor that also hands over the channel of the first request it serves. */
export function channelCatcher(): { processor: (ctx: ProcessorContext, request: RemotingCommand) => RemotingCommand; channel: Promise<RemotingChannel> } {
  const channel = deferred<RemotingChannel>();
  return {
    processor: (ctx, request) => {
      channel.resolve(ctx.channel);
      return echo(ctx, request);
    },
    channel: channel.promise,
  };
}
