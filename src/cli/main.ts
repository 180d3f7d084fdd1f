/**
 * The `bun-remoting` command: ping, call, serve, bench. An application on top of the library, so
 * it may read files and print; bin/bun-remoting.js is its launcher.
 */
import { RemotingError } from "../errors.ts";
import { bench } from "./bench.ts";
import { call } from "./call.ts";
import { ping } from "./ping.ts";
import { serve } from "./serve.ts";
import { Exit, UsageError } from "./usage-error.ts";

export const USAGE = `Usage: bun-remoting <command> [options]

Talks Apache RocketMQ's remoting protocol (name servers, brokers, or any bun-remoting service).

Commands:
  ping <host:port>   round-trip times, like ping            [--code N] [-c count] [-i ms]
  call <host:port>   one request; prints the decoded answer  --code N [--ext k=v]... [--body @file]
  serve              an echo server                          [--port N] [--host addr] [--stats s]
  bench [args]       runs the benchmark suite (npm run bench) in a source checkout

Run "bun-remoting <command> --help" for all of a command's options.

Examples:
  bun-remoting serve --port 9876
  bun-remoting ping 127.0.0.1:9876 -c 3
  bun-remoting call 127.0.0.1:9876 --code GET_ROUTEINFO_BY_TOPIC --ext topic=TopicTest
  bun-remoting call 127.0.0.1:9876 --code GET_BROKER_CLUSTER_INFO --output json

Exit status: 0 success, 1 an answer other than SUCCESS (call) or no reply (ping), 2 a failed call
or bad arguments.
`;

const out = (text: string): void => void process.stdout.write(text);
const err = (text: string): void => void process.stderr.write(text);

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
      case "bench":
        return await bench(args, out, err);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out(USAGE);
        return command === undefined ? Exit.ERROR : Exit.OK;
      default:
        throw new UsageError(`unknown command "${command}"`, USAGE);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`bun-remoting: ${error.message}\n\n${error.usage}`);
      return Exit.ERROR;
    }
    if (error instanceof RemotingError) {
      err(`bun-remoting: ${error.message} (${error.code})\n`);
      return Exit.ERROR;
    }
    throw error;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
