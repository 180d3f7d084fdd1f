import { RemotingServer } from "./endpoints.ts";
import type { RemotingStats } from "../core/observability/remoting-stats.ts";
import { createResponse } from "../protocol/remoting-command.ts";
import { integer, parse } from "./arguments.ts";
import { RemotingListenError } from "../errors.ts";
import { terminalLogger, untilStopped } from "./terminal.ts";
import { Exit, UsageError } from "./usage-error.ts";

export const SERVE_USAGE = `Usage: bun-remoting serve [options]

An echo server: answers every request with SUCCESS, remark "Hi <client address>", and the
request's own extFields and body (the processor of RocketMQ's own remoting tests). Ctrl-C stops it
gracefully and prints its stats.

Options:
  --port <n>       port to listen on; 0 picks a free one (default 9876)
  --host <addr>    address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --stats <s>      print a stats line every s seconds (default 0: only at the end)
  -v, --verbose    log every request and connection event
  -h, --help       this help

Exit status: 0 after Ctrl-C, 2 on bad arguments or when it cannot listen (one line on stderr
saying why: "bun-remoting: cannot listen on 127.0.0.1:9876: address already in use (EADDRINUSE)").
`;

function statsLine(stats: RemotingStats): string {
  const { served } = stats;
  const byCode = Object.entries(served.byCode)
    .map(([code, c]) => `${code}: ${c.requests} req, ${c.errors} err${c.latencyMs === null ? "" : `, p50 ${c.latencyMs.p50} ms, p99 ${c.latencyMs.p99} ms`}`)
    .join("; ");
  return `connections ${stats.connections}, requests ${served.requests}, errors ${served.errors}, in flight ${stats.inFlight}, bytes queued ${stats.bytesQueued}${byCode === "" ? "" : ` | ${byCode}`}\n`;
}

export async function serve(args: string[], out: (text: string) => void): Promise<number> {
  const { values, positionals } = parse(
    args,
    { port: { type: "string" }, host: { type: "string" }, stats: { type: "string" }, verbose: { type: "boolean", short: "v" } },
    "serve",
  );
  if (values.help) {
    out(SERVE_USAGE);
    return Exit.OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, "serve");
  const verbose = values.verbose === true;
  const logger = terminalLogger(out, verbose);
  const statsEvery = integer(values.stats, "stats", 0, "serve");

  const host = values.host ?? "127.0.0.1";
  const port = integer(values.port, "port", 9876, "serve", 0, 65535);
  await using server = new RemotingServer({ host, port, logger });
  server.registerDefaultProcessor((ctx, request) => {
    if (verbose) logger.info(`${ctx.remoteAddress} request code ${request.code} opaque ${request.opaque} (${request.serializeType}, ${request.body?.length ?? 0} body bytes)`);
    return createResponse(0, `Hi ${ctx.remoteAddress}`, { extFields: request.extFields, body: request.body, serializeType: request.serializeType });
  });
  if (verbose) {
    server.setChannelEventListener({
      onChannelConnect: (addr) => logger.info(`${addr} connected`),
      onChannelClose: (addr) => logger.info(`${addr} closed`),
    });
  }
  try {
    await server.start();
  } catch (error) {
    // the address belongs in the line whatever the transport's own error says
    throw error instanceof RemotingListenError ? error : new RemotingListenError(`${host}:${port}`, { cause: error });
  }
  out(`echo server listening on ${host}:${server.port} (Ctrl-C to stop)\n`);
  const timer = statsEvery > 0 ? setInterval(() => out(statsLine(server.stats)), statsEvery * 1000) : null;
  await untilStopped();
  if (timer !== null) clearInterval(timer);
  out(`\nstopping; ${statsLine(server.stats)}`);
  return Exit.OK;
}
