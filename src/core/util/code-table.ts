/** Request codes below this are kept in an array (RocketMQ's codes are mostly below 1024). */
const DIRECT_CODES = 1024;

/**
 * Values by request code: an array index for the usual codes, a map for the rest (negative codes,
 * the 5.x POP codes above 200 000). Used for processors and for per-code stats alike.
 */
export class CodeTable<T> {
  private readonly direct: (T | undefined)[] = new Array<T | undefined>(DIRECT_CODES).fill(undefined);
  private readonly others = new Map<number, T>();

  get(code: number): T | undefined {
    return code >= 0 && code < DIRECT_CODES ? this.direct[code] : this.others.get(code);
  }

  set(code: number, value: T): void {
    if (code >= 0 && code < DIRECT_CODES) this.direct[code] = value;
    else this.others.set(code, value);
  }

  /** Every [code, value], array codes first. */
  *entries(): IterableIterator<[number, T]> {
    for (let code = 0; code < DIRECT_CODES; code++) {
      const value = this.direct[code];
      if (value !== undefined) yield [code, value];
    }
    yield* this.others;
  }
}
