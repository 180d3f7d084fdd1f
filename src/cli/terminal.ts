import type { Logger } from "../core/observability/logger.ts";

/** Log lines to the terminal, with a timestamp; debug and info only when verbose. */
export function terminalLogger(out: (text: string) => void, verbose: boolean): Logger {
  const line = (level: string) => (message: string) => out(`${new Date().toISOString()} ${level} ${message}\n`);
  const ignore = (): void => {};
  return { debug: verbose ? line("debug") : ignore, info: verbose ? line("info") : ignore, warn: line("warn"), error: line("error") };
}

/** Resolves at Ctrl-C (SIGINT) or SIGTERM: a server command's cue to stop gracefully. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
