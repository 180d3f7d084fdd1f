import { describeValue } from "../../protocol/describe-value.ts";
import { Command, ReceivedCommand, type RemotingCommand } from "../../protocol/remoting-command.ts";

/** Whether `value` is one of the library's own commands (reading it runs no user code). */
export function isLibraryCommand(value: unknown): value is RemotingCommand {
  return value instanceof Command || value instanceof ReceivedCommand;
}

/** Whether `value` can be sent as a command: one of the library's, or an object of the RemotingCommand shape (its getters may throw). */
export function isCommand(value: unknown): value is RemotingCommand {
  if (isLibraryCommand(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === "number" &&
    typeof v.flag === "number" &&
    typeof v.opaque === "number" &&
    typeof v.version === "number" &&
    typeof v.language === "string" &&
    (v.serializeType === "JSON" || v.serializeType === "ROCKETMQ")
  );
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}

/** Names a value a processor should not have returned, for the SYSTEM_ERROR remark: its kind, and a glimpse of it. */
export function describeResult(value: unknown): string {
  const kind = describeValue(value);
  const article = /^[aeiou]/.test(kind) ? "an" : "a";
  switch (typeof value) {
    case "string":
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
    case "number":
    case "bigint":
    case "boolean":
      return `${article} ${kind} (${String(value)})`;
    case "object": {
      const keys = Object.keys(value as object).slice(0, 5);
      return `${article} ${kind} that is not a RemotingCommand${keys.length > 0 ? ` (keys: ${keys.join(", ")})` : ""}`;
    }
    default:
      return `${article} ${kind}`;
  }
}

/** The remark of the SYSTEM_ERROR answer to a processor that returned something else than a command, null or undefined. */
export function badResultRemark(code: number, value: unknown): string {
  return `processor for request code ${code} returned ${describeResult(value)}; expected a RemotingCommand, null or undefined`;
}
