/**
 * The `bun-remoting` command: ping, call, serve, lite, bench. An application on top of the library, so
 * it may read files and print; bin/bun-remoting.js is its launcher.
 */
import { readFileSync } from "node:fs";
import { bench, benchAvailable } from "./bench.ts";
import { call } from "./call.ts";
import { describeFailure } from "./describe-failure.ts";
import { lite } from "./lite.ts";
import { ping } from "./ping.ts";
import { serve } from "./serve.ts";
import { Exit, UsageError } from "./usage-error.ts";

/** The command list; `bench` only where the benchmark suite is (a source checkout). */
export function usage(withBench = benchAvailable()): string {
  return `Usage: bun-remoting <command> [options]

Talks Apache RocketMQ's remoting protocol (name servers, brokers, or any bun-remoting service).

Commands:
  ping <host:port>   round-trip times, like ping            [--code N|NAME] [-c count] [-i ms]
  call <host:port>   one request; prints the decoded answer  --code N|NAME [--ext k=v]... [--body @file]
  serve              an echo server                          [--port N] [--host addr] [--stats s]
  lite               an in-memory RocketMQ: name server and broker  [--namesrv-port N] [--broker-port N]
${withBench ? "  bench [args]       runs the benchmark suite (npm run bench) of this source checkout\n" : ""}
Run "bun-remoting <command> --help" for all of a command's options; "bun-remoting --version"
says which build runs (Bun: the sources; Node: dist/). Request codes are numbers or RequestCode
names (GET_ROUTEINFO_BY_TOPIC, any case).

Examples:
  bun-remoting serve --port 9876
  bun-remoting lite
  bun-remoting ping 127.0.0.1:9876 -c 3
  bun-remoting call 127.0.0.1:9876 --code GET_ROUTEINFO_BY_TOPIC --ext topic=TopicTest
  bun-remoting call 127.0.0.1:9876 --code GET_BROKER_CLUSTER_INFO --output json

Exit status: 0 success, 1 an answer other than SUCCESS (call) or no reply (ping), 2 bad arguments
or a failure (connect, timeout, listen), with one line on stderr saying why and its error code.
`;
}

/** "bun-remoting 0.1.0 on Bun 1.4.5 (sources)": which build of which version runs. */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  const runtime = process.versions.bun !== undefined ? `Bun ${process.versions.bun}` : `Node ${process.version}`;
  return `bun-remoting ${manifest.version} on ${runtime} (${import.meta.url.endsWith(".ts") ? "sources" : "dist"})\n`;
}

const out = (text: string): void => void process.stdout.write(text);
const err = (text: string): void => void process.stderr.write(text);

/** Runs the command line `argv` (without the executable); resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "ping":
        return await ping(args, out);
      case "call":
        return await call(args, out);
      case "serve":
        return await serve(args, out);
      case "lite":
        return await lite(args, out);
      case "bench":
        return await bench(args, out, err);
      case "--version":
        out(version());
        return Exit.OK;
      case "help":
      case "--help":
      case "-h":
        out(usage());
        return Exit.OK;
      case undefined:
        throw new UsageError("missing command", null);
      default:
        throw new UsageError(`unknown command "${command}"`, null);
    }
  } catch (error) {
    err(`bun-remoting: ${error instanceof UsageError ? error.describe() : describeFailure(error)}\n`);
    return Exit.ERROR;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
