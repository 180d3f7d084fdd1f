/** Any object with these methods will do: console, pino, winston... */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
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

export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
