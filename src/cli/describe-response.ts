import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { parseFastjson } from "../rocketmq/fastjson.ts";

const codeNames = new Map<number, string>();
for (const [name, code] of Object.entries(ResponseCode)) if (!codeNames.has(code)) codeNames.set(code, name);

/** "17 (TOPIC_NOT_EXIST)", or just the number for a code RocketMQ does not name. */
export function responseCodeLabel(code: number): string {
  const name = codeNames.get(code);
  return name === undefined ? String(code) : `${code} (${name})`;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A body as something a person can read: parsed JSON (fastjson's too), text, or base64. */
export function readableBody(body: Uint8Array): { kind: "json"; value: unknown } | { kind: "text"; value: string } | { kind: "base64"; value: string } {
  let text: string | null = null;
  try {
    text = strictUtf8.decode(body);
  } catch {
    // not UTF-8: binary
  }
  if (text !== null) {
    const trimmed = text.trimStart();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return { kind: "json", value: parseFastjson(text) };
      } catch {
        // text that only looks like JSON
      }
    }
    // printable: no control characters besides tab, newlines and carriage return
    if (!/[\u0000-\u0008\u000e-\u001f]/.test(text)) return { kind: "text", value: text };
  }
  return { kind: "base64", value: Buffer.from(body).toString("base64") };
}

/** The response as a JSON-friendly object (`--output json`). */
export function responseAsJson(response: RemotingCommand): Record<string, unknown> {
  const body = response.body;
  return {
    code: response.code,
    codeName: codeNames.get(response.code) ?? null,
    remark: response.remark,
    opaque: response.opaque,
    flag: response.flag,
    language: response.language,
    version: response.version,
    serializeType: response.serializeType,
    extFields: response.extFields,
    body: body === null || body.length === 0 ? null : { bytes: body.length, ...readableBody(body) },
  };
}

/** The response for a person (`--output text`). */
export function responseAsText(response: RemotingCommand): string {
  const lines = [
    `code       ${responseCodeLabel(response.code)}`,
    `remark     ${response.remark ?? "(none)"}`,
    `header     ${response.serializeType}, language ${response.language}, version ${response.version}, opaque ${response.opaque}, flag ${response.flag}`,
  ];
  const ext = response.extFields ?? {};
  const keys = Object.keys(ext).sort();
  lines.push(keys.length === 0 ? "extFields  (none)" : "extFields");
  for (const key of keys) lines.push(`  ${key} = ${ext[key]}`);
  const body = response.body;
  if (body === null || body.length === 0) {
    lines.push("body       (none)");
  } else {
    const readable = readableBody(body);
    lines.push(`body       ${body.length} bytes, ${readable.kind === "json" ? "JSON" : readable.kind === "text" ? "text" : "binary (base64)"}`);
    lines.push(readable.kind === "json" ? JSON.stringify(readable.value, null, 2) : readable.value);
  }
  return `${lines.join("\n")}\n`;
}
