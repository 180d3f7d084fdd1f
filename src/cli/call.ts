import { readFile } from "node:fs/promises";
import { RemotingClient } from "./endpoints.ts";
import { silentLogger } from "../core/observability/logger.ts";
import { createRequest } from "../protocol/remoting-command.ts";
import { utf8Bytes } from "../protocol/utf8.ts";
import { address, integer, parse, requestCode, serializeType } from "./arguments.ts";
import { responseAsJson, responseAsText } from "./describe-response.ts";
import { describeFailure } from "./describe-failure.ts";
import { Exit, UsageError } from "./usage-error.ts";

export const CALL_USAGE = `Usage: bun-remoting call <host:port> --code <n|NAME> [options]

Sends one request and prints the decoded response: code, remark, extFields, and the body as JSON
(fastjson's bare map keys included), text, or base64 for binary.

Options:
  --code <n|NAME>        request code: a number or a RequestCode name such as
                         GET_ROUTEINFO_BY_TOPIC (any case)
  --ext <key=value>      an extFields entry (the custom header); repeat for more
  --body <text|@file>    the body: literal text, @path for a file's bytes, @- for standard input
  --remark <text>        the request's remark
  --type <json|rocketmq> header type of the request (default json)
  --version <n>          protocol version sent (default 479, RocketMQ 5.3.3)
  --language <NAME>      LanguageCode sent (default JAVA)
  --oneway               send as oneway: no response is expected
  --timeout <ms>         (default 3000)
  --output <text|json>   how to print the response (default text)
  -h, --help             this help

Example: bun-remoting call 127.0.0.1:9876 --code GET_ROUTEINFO_BY_TOPIC --ext topic=TopicTest

Exit status: 0 for a SUCCESS response (or a oneway request sent), 1 for any other response code,
2 when the call failed (connect, timeout) or the arguments are wrong, with one line on stderr
saying why: "bun-remoting: connect to 127.0.0.1:9876 failed: connection refused (ECONNREFUSED)".
`;

async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks);
}

async function readBody(value: string | undefined): Promise<Uint8Array | null> {
  if (value === undefined) return null;
  if (!value.startsWith("@")) return utf8Bytes(value);
  const path = value.slice(1);
  try {
    return new Uint8Array(path === "-" ? await readStdin() : await readFile(path));
  } catch (error) {
    throw new UsageError(`--body ${value}: ${describeFailure(error)}`, "call");
  }
}

function extFields(pairs: string[] | undefined): Record<string, string> | null {
  if (pairs === undefined || pairs.length === 0) return null;
  const ext: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--ext must be key=value, got "${pair}"`, "call");
    ext[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return ext;
}

export async function call(args: string[], out: (text: string) => void): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      code: { type: "string" },
      ext: { type: "string", multiple: true },
      body: { type: "string" },
      remark: { type: "string" },
      type: { type: "string" },
      version: { type: "string" },
      language: { type: "string" },
      oneway: { type: "boolean" },
      timeout: { type: "string" },
      output: { type: "string" },
    },
    "call",
  );
  if (values.help) {
    out(CALL_USAGE);
    return Exit.OK;
  }
  const addr = address(positionals, "call");
  const output = values.output ?? "text";
  if (output !== "text" && output !== "json") throw new UsageError(`--output must be text or json, got "${output}"`, "call");
  const request = createRequest(requestCode(values.code, undefined, "call"), {
    extFields: extFields(values.ext),
    body: await readBody(values.body),
    remark: values.remark ?? null,
    serializeType: serializeType(values.type, "call"),
    version: integer(values.version, "version", 479, "call", -32768, 2147483647),
    ...(values.language === undefined ? {} : { language: values.language.toUpperCase() }),
  });
  const timeoutMs = integer(values.timeout, "timeout", 3000, "call", 1);

  await using client = new RemotingClient({ logger: silentLogger, connectTimeoutMs: timeoutMs });
  if (values.oneway) {
    await client.invokeOneway(addr, request, timeoutMs);
    out(output === "json" ? `${JSON.stringify({ oneway: true, sent: true })}\n` : `oneway request sent to ${addr}\n`);
    return Exit.OK;
  }
  const response = await client.invokeSync(addr, request, timeoutMs);
  out(output === "json" ? `${JSON.stringify(responseAsJson(response), null, 2)}\n` : responseAsText(response));
  return response.code === 0 ? Exit.OK : Exit.NOT_OK;
}
