import dc from "node:diagnostics_channel";
import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { ProcessorResult, RemotingChannel } from "../inbound/processor.ts";
import { ResponseChannel, TracingChannels, type InvokeTraceContext, type ProcessTraceContext, type ResponseTraceContext } from "./trace-context.ts";

/*
 * diagnostics_channel tracing, as Node's TracingChannel defines it: subscribe with
 * `diagnostics_channel.tracingChannel("bun-remoting:invoke").subscribe({ start, end, asyncStart,
 * asyncEnd, error })`. Every event of one call gets the same context object. When nobody
 * subscribes, the cost is reading a few `hasSubscribers` flags per request.
 */

/**
 * start: the call is made. end: the invoke returned (the call is registered). error: it failed.
 * asyncStart / asyncEnd: around the caller's callback, once the outcome is known.
 */
export const invokeChannel = dc.tracingChannel<InvokeTraceContext>(TracingChannels.invoke);
/**
 * start: the processor is called (it runs inside start's bound stores: AsyncLocalStorage works).
 * end: it returned. error: it threw or rejected. asyncStart / asyncEnd: an async processor settled;
 * the answer is written between the two.
 */
export const processChannel = dc.tracingChannel<ProcessTraceContext>(TracingChannels.process);

type AnyTracingChannel = typeof invokeChannel | typeof processChannel;

/** Every answer written (see ResponseTraceContext); costs a hasSubscribers read per answer when nobody listens. */
export const responseChannel = dc.channel(ResponseChannel);

/** Publishes an answer's context (only call when responseChannel.hasSubscribers). */
export function traceResponse(ctx: ResponseTraceContext): void {
  responseChannel.publish(ctx);
}

/** True when anyone subscribes to any event of `channel` (Bun's TracingChannel lacks the getter). */
export function isTraced(channel: AnyTracingChannel): boolean {
  return (
    channel.start.hasSubscribers ||
    channel.end.hasSubscribers ||
    channel.asyncStart.hasSubscribers ||
    channel.asyncEnd.hasSubscribers ||
    channel.error.hasSubscribers
  );
}

/** Publishes start for a call and returns its context. */
export function traceInvokeStart(role: "server" | "client", addr: string, request: RemotingCommand, oneway: boolean, timeoutMs: number): InvokeTraceContext {
  const ctx: InvokeTraceContext = { role, addr, request, oneway, timeoutMs };
  invokeChannel.start.publish(ctx);
  return ctx;
}

/** The call settled: error (if it failed), then `callback` between asyncStart and asyncEnd. */
export function traceInvokeOutcome(ctx: InvokeTraceContext, error: Error | null, response: RemotingCommand | undefined, callback: () => void): void {
  if (error !== null) {
    ctx.error = error;
    invokeChannel.error.publish(ctx);
  } else {
    ctx.result = response;
  }
  invokeChannel.asyncStart.runStores(ctx, () => {
    try {
      callback();
    } finally {
      invokeChannel.asyncEnd.publish(ctx);
    }
  });
}

export function processTraceContext(role: "server" | "client", channel: RemotingChannel, request: RemotingCommand): ProcessTraceContext {
  return { role, request, remoteAddress: channel.remoteAddress, channel };
}

/** Runs a processor the way TracingChannel.traceSync would: start, the call, error, end. */
export function traceProcessor(ctx: ProcessTraceContext, call: () => ProcessorResult): ProcessorResult {
  return processChannel.start.runStores(ctx, () => {
    try {
      const result = call();
      ctx.result = result;
      return result;
    } catch (error) {
      ctx.error = error;
      processChannel.error.publish(ctx);
      throw error;
    } finally {
      processChannel.end.publish(ctx);
    }
  });
}

/** An async processor settled (or a worker answered): error, then `answer` between asyncStart and asyncEnd. */
export function traceProcessOutcome(ctx: ProcessTraceContext, failed: boolean, outcome: unknown, answer: () => void): void {
  if (failed) {
    ctx.error = outcome;
    processChannel.error.publish(ctx);
  } else {
    ctx.result = outcome;
  }
  processChannel.asyncStart.runStores(ctx, () => {
    try {
      answer();
    } finally {
      processChannel.asyncEnd.publish(ctx);
    }
  });
}
