import { RemotingClient } from "./endpoints.ts";
import { silentLogger } from "../core/observability/logger.ts";
import { createRequest } from "../protocol/remoting-command.ts";
import { address, integer, parse, requestCode, serializeType } from "./arguments.ts";
import { responseCodeLabel } from "./describe-response.ts";
import { describeFailure } from "./describe-failure.ts";
import { Exit } from "./usage-error.ts";

export const PING_USAGE = `Usage: bun-remoting ping <host:port> [options]

Sends one request per interval and prints each round-trip time, like ping. Any answer counts as a
reply, whatever its code (a RocketMQ server answers an unknown code with REQUEST_CODE_NOT_SUPPORTED).

Options:
  --code <n|NAME>      request code: a number or a RequestCode name such as
                       GET_BROKER_CLUSTER_INFO (default 0)
  -c, --count <n>      requests to send; 0 = until Ctrl-C (default 4)
  -i, --interval <ms>  pause between requests (default 1000)
  --timeout <ms>       how long to wait for each reply (default 3000)
  --type <json|rocketmq>  header type of the requests (default json)
  -h, --help           this help

Exit status: 0 if any reply arrived, 1 if none did, 2 on bad arguments. A request that gets
no reply prints why: "no reply for seq=1: connect to ... failed: connection refused (ECONNREFUSED)".
`;

export async function ping(args: string[], out: (text: string) => void): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      code: { type: "string" },
      count: { type: "string", short: "c" },
      interval: { type: "string", short: "i" },
      timeout: { type: "string" },
      type: { type: "string" },
    },
    "ping",
  );
  if (values.help) {
    out(PING_USAGE);
    return Exit.OK;
  }
  const addr = address(positionals, "ping");
  const code = requestCode(values.code, 0, "ping");
  const count = integer(values.count, "count", 4, "ping");
  const interval = integer(values.interval, "interval", 1000, "ping");
  const timeoutMs = integer(values.timeout, "timeout", 3000, "ping", 1);
  const type = serializeType(values.type, "ping");

  let stopped = false;
  let wake: () => void = () => {};
  const stop = (): void => {
    stopped = true;
    wake();
  };
  process.once("SIGINT", stop);
  const times: number[] = [];
  let sent = 0;
  const started = performance.now();
  out(`PING ${addr} with request code ${code} (${type} header)\n`);
  await using client = new RemotingClient({ logger: silentLogger, connectTimeoutMs: timeoutMs });
  try {
    while (!stopped && (count === 0 || sent < count)) {
      const seq = ++sent;
      const t0 = performance.now();
      try {
        const response = await client.invokeSync(addr, createRequest(code, { serializeType: type }), timeoutMs);
        const ms = performance.now() - t0;
        times.push(ms);
        out(`reply from ${addr}: seq=${seq} code=${responseCodeLabel(response.code)} time=${ms.toFixed(3)} ms\n`);
      } catch (error) {
        out(`no reply for seq=${seq}: ${describeFailure(error)}\n`);
      }
      if (stopped || (count !== 0 && sent >= count)) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, interval);
      });
    }
  } finally {
    process.off("SIGINT", stop);
  }
  const loss = sent === 0 ? 0 : Math.round(((sent - times.length) / sent) * 100);
  out(`\n--- ${addr} ping statistics ---\n`);
  out(`${sent} requests, ${times.length} replies, ${loss}% loss, time ${Math.round(performance.now() - started)} ms\n`);
  if (times.length > 0) {
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    const mdev = Math.sqrt(times.reduce((a, b) => a + (b - avg) ** 2, 0) / times.length);
    const f = (x: number): string => x.toFixed(3);
    out(`rtt min/avg/max/mdev = ${f(Math.min(...times))}/${f(avg)}/${f(Math.max(...times))}/${f(mdev)} ms\n`);
  }
  return times.length > 0 ? Exit.OK : Exit.NOT_OK;
}
