/** A mistake on the command line: printed with the command's usage, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage text to show with it. */
    readonly usage: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** Exit statuses, as documented in `bun-remoting --help`. */
export const Exit = {
  OK: 0,
  /** A response arrived, with a code other than SUCCESS (call), or no reply at all (ping). */
  NOT_OK: 1,
  /** Bad arguments, or the call failed (connect, timeout...). */
  ERROR: 2,
} as const;
