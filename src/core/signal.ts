/** The parts of an AbortSignal the library uses (a real AbortSignal is one). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * The runtime's AbortSignal wherever its type is declared (Bun's, Node's or the DOM's typings),
 * else the parts the library uses: so the declarations need no DOM or Node typings, yet users
 * with them get a real AbortSignal type.
 */
export type Signal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;
