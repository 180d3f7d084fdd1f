/**
 * A failure as one line: its message, then each cause's, and the most specific error code at the
 * end: "connect to db:9876 failed: host not found (ENOTFOUND)". System errors are named by their
 * code, so the line is the same on Bun and Node, whose messages for them differ.
 */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available on this host",
  EAI_AGAIN: "name resolution failed for now (DNS unreachable?)",
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOENT: "no such file or directory",
  ENOTFOUND: "host not found",
  EPIPE: "connection closed by peer",
  ETIMEDOUT: "timed out",
};

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** Causes followed at most this deep (a cycle must not hang the CLI). */
const MAX_DEPTH = 8;

export function describeFailure(error: unknown): string {
  const texts: string[] = [];
  let code: string | null = null;
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_DEPTH; depth++) {
    if (typeof current !== "object") {
      texts.push(String(current));
      break;
    }
    const { message, code: own, cause } = current as ErrorLike;
    const ownCode = typeof own === "string" && own !== "" ? own : null;
    let text = (ownCode !== null ? SYSTEM_ERRORS[ownCode] : undefined) ?? String(message ?? current);
    // a message that already ends with its cause's code ("cannot listen on h:p: EADDRINUSE") leaves it to the cause
    const causeCode = (cause as ErrorLike | null | undefined)?.code;
    if (typeof causeCode === "string" && text.endsWith(`: ${causeCode}`)) text = text.slice(0, -(causeCode.length + 2));
    texts.push(text);
    if (ownCode !== null) code = ownCode;
    current = cause;
  }
  return `${texts.join(": ")}${code === null ? "" : ` (${code})`}`;
}
