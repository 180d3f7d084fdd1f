import { afterEach } from "bun:test";
import {
  createResponse,
  type InvokeCallback,
  RemotingClient,
  RemotingServer,
  silentLogger,
  type ProcessorContext,
  type RemotingChannel,
  type RemotingClientOptions,
  type RemotingCommand,
  type RemotingServerOptions,
} from "../../src/index.ts";

/**
 * Shared plumbing for the core behaviour tests: servers and clients on loopback that are always
 * shut down (afterEach), promise helpers, and the echo processor of RocketMQ's own remoting tests.
 */

export const HOST = "127.0.0.1";

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  settled: boolean;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve: (v) => {
      d.settled = true;
      resolve(v);
    },
    reject: (e) => {
      d.settled = true;
      reject(e);
    },
  };
  return d;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what = "condition", timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

/** Resolves with the promise's value, or fails if it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what = "promise"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

export interface AsyncCall {
  /** Settles with the first callback's arguments. */
  done: Promise<{ error: Error | null; response: RemotingCommand | undefined; at: number }>;
  /** How often the callback ran so far (must end up exactly 1). */
  calls(): number;
  /** performance.now() just before the invoke. */
  startedAt: number;
}

/**
 * Runs an invokeAsync-style call (`start` gets the callback) and records its callback:
 * `asyncCall((cb) => client.invokeAsync(addr, request, 100, cb))`.
 */
export function asyncCall(start: (callback: InvokeCallback) => void): AsyncCall {
  let calls = 0;
  const d = deferred<{ error: Error | null; response: RemotingCommand | undefined; at: number }>();
  const startedAt = performance.now();
  start((error, response) => {
    calls++;
    if (calls === 1) d.resolve({ error, response, at: performance.now() });
  });
  return { done: d.promise, calls: () => calls, startedAt };
}

/** The processor of RocketMQ's RemotingServerTest: echoes the request back, remark "Hi <addr>". */
export function echo(ctx: ProcessorContext, request: RemotingCommand): RemotingCommand {
  return createResponse(0, `Hi ${ctx.remoteAddress}`, {
    extFields: request.extFields === null ? null : { ...request.extFields },
    body: request.body,
    serializeType: request.serializeType,
  });
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

/** A port on 127.0.0.1 that nothing listens on (bound, read, released). */
export function closedPort(): number {
  const listener = Bun.listen({ hostname: HOST, port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

export const addrOf = (server: RemotingServer | { port: number }): string => `${HOST}:${server.port}`;

/**
 * Owns everything a test opens and closes it afterwards, newest first. Servers and clients get a
 * silent logger and a short shutdownTimeoutMs unless the test says otherwise, so a test that leaves
 * a call pending does not make cleanup wait seconds.
 */
export class Harness {
  private cleanups: (() => unknown)[] = [];

  defer(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** A started server on 127.0.0.1, port 0; `setup` runs before start() (register processors there). */
  async server(options: RemotingServerOptions = {}, setup?: (server: RemotingServer) => void): Promise<RemotingServer> {
    const server = this.newServer(options);
    setup?.(server);
    await server.start();
    return server;
  }

  /** A server that is not started yet (still shut down after the test). */
  newServer(options: RemotingServerOptions = {}): RemotingServer {
    const server = new RemotingServer({ host: HOST, port: 0, logger: silentLogger, shutdownTimeoutMs: 200, ...options });
    this.defer(() => server.shutdown());
    return server;
  }

  client(options: RemotingClientOptions = {}): RemotingClient {
    const client = new RemotingClient({ logger: silentLogger, shutdownTimeoutMs: 200, ...options });
    this.defer(() => client.shutdown());
    return client;
  }

  async cleanup(): Promise<void> {
    const cleanups = this.cleanups.reverse();
    this.cleanups = [];
    for (const cleanup of cleanups) {
      try {
        await within(Promise.resolve(cleanup()), 3000, "cleanup");
      } catch {
        // keep cleaning up; the test itself reports what went wrong
      }
    }
  }
}

/** One Harness for a test file, cleaned up after every test. */
export function useHarness(): Harness {
  const h = new Harness();
  afterEach(() => h.cleanup());
  return h;
}
