/** A mistake on the command line: one line naming it and where help is, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` lists the options, or null for the command list. */
    readonly command: string | null,
  ) {
    super(message);
    this.name = "UsageError";
  }

  /** The line printed for it (a method: Bun gives every Error a `line` property). */
  describe(): string {
    return `${this.message}; see "bun-remoting${this.command === null ? "" : ` ${this.command}`} --help"`;
  }
}

/** Exit statuses, as documented in `bun-remoting --help` and the README. */
export const Exit = {
  OK: 0,
  /** A response arrived, with a code other than SUCCESS (call), or no reply at all (ping). */
  NOT_OK: 1,
  /** Bad arguments, or the command failed (connect, timeout, listen...). */
  ERROR: 2,
} as const;
