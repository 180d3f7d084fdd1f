import { RemotingListenError } from "../errors.ts";
import { BrokerLite } from "../lite/broker-lite.ts";
import { NameServerLite } from "../lite/name-server-lite.ts";
import { integer, parse } from "./arguments.ts";
import { terminalLogger, untilStopped } from "./terminal.ts";
import { Exit, UsageError } from "./usage-error.ts";

export const LITE_USAGE = `Usage: bun-remoting lite [options]

An in-memory RocketMQ for development and tests: a name server and a broker (bun-remoting/lite's
NameServerLite and BrokerLite). Point producers and consumers at the name server
(namesrvAddr=127.0.0.1:9876); topics are created on first send. Nothing is written to disk: Ctrl-C
stops it and the messages are gone.

Options:
  --namesrv-port <n>   the name server's port; 0 picks a free one (default 9876)
  --broker-port <n>    the broker's port; 0 picks a free one (default 10911)
  --host <addr>        address to bind and advertise (default 127.0.0.1)
  --broker-name <s>    the broker's name in routes (default broker-a)
  --cluster <s>        the broker's cluster (default DefaultCluster)
  --max-messages <n>   messages kept; the oldest go first beyond it (default 1000000)
  --max-bytes <n>      stored bytes kept; the oldest go first beyond it (default 268435456)
  -v, --verbose        log connection events
  -h, --help           this help

It prints the name server's and the broker's addresses, then "ready".
Exit status: 0 after Ctrl-C or SIGTERM, 2 on bad arguments or when a port is taken.
`;

export async function lite(args: string[], out: (text: string) => void): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      "namesrv-port": { type: "string" },
      "broker-port": { type: "string" },
      host: { type: "string" },
      "broker-name": { type: "string" },
      cluster: { type: "string" },
      "max-messages": { type: "string" },
      "max-bytes": { type: "string" },
      verbose: { type: "boolean", short: "v" },
    },
    "lite",
  );
  if (values.help) {
    out(LITE_USAGE);
    return Exit.OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, "lite");
  const host = values.host ?? "127.0.0.1";
  const namesrvPort = integer(values["namesrv-port"], "namesrv-port", 9876, "lite", 0, 65535);
  const brokerPort = integer(values["broker-port"], "broker-port", 10911, "lite", 0, 65535);
  const maxMessages = integer(values["max-messages"], "max-messages", 1_000_000, "lite", 1);
  const maxBytes = integer(values["max-bytes"], "max-bytes", 256 * 1024 * 1024, "lite", 1);
  const logger = terminalLogger(out, values.verbose === true);

  await using namesrv = new NameServerLite({ host, port: namesrvPort, logger });
  await listening(namesrv.start(), `${host}:${namesrvPort}`);
  const nameServer = `${host}:${namesrv.port}`;
  await using broker = new BrokerLite({
    host,
    port: brokerPort,
    logger,
    nameServers: [nameServer],
    maxMessages,
    maxBytes,
    ...(values["broker-name"] === undefined ? {} : { brokerName: values["broker-name"] }),
    ...(values.cluster === undefined ? {} : { clusterName: values.cluster }),
  });
  await listening(broker.start(), `${host}:${brokerPort}`);
  out(`name server ${nameServer}\nbroker ${broker.brokerName} ${broker.address}\nready\n`);
  await untilStopped();
  out("stopping\n");
  return Exit.OK;
}

/** A start that failed to listen says where, whatever the transport's own error says. */
async function listening(start: Promise<void>, address: string): Promise<void> {
  try {
    await start;
  } catch (error) {
    throw error instanceof RemotingListenError ? error : new RemotingListenError(address, { cause: error });
  }
}
