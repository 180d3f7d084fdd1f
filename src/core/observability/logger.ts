/** Any object with these methods will do: console, pino, winston... */
export interface Logger {
  /** Routine detail (a request with no processor, a late response dropped). `message` is a complete sentence; `details`, an Error when one is involved. */
  debug(message: string, ...details: unknown[]): void;
  /** Noteworthy but expected (an idle connection closed, a connect that failed). */
  info(message: string, ...details: unknown[]): void;
  /** Something went wrong that the library handled (a peer broke the protocol, a processor threw); peer-triggered ones are rate-limited. */
  warn(message: string, ...details: unknown[]): void;
  /** A failure nobody else is told of (a crashed I/O worker). */
  error(message: string, ...details: unknown[]): void;
}

const ignore = (): void => {};

/** The default: silent except warnings and errors, which go to the console. */
export const defaultLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: (message, ...details) => console.warn(`[bun-remoting] ${message}`, ...details),
  error: (message, ...details) => console.error(`[bun-remoting] ${message}`, ...details),
};

/** Drops every message (tests, or an application that wants no library output). */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
