/** How a raw client (raw.ts) knows that answers arrived: it counts them, it never decodes them. */

/** Counts the answers a chunk completes. */
export interface AnswerCounter {
  count(chunk: Uint8Array): number;
}

/** Answers of one fixed size (an echo's: the request's own frame); only chunk lengths are read. */
export class FixedAnswers implements AnswerCounter {
  /** Bytes received towards the next answer. */
  private received = 0;

  constructor(private readonly frameBytes: number) {}

  count(chunk: Uint8Array): number {
    this.received += chunk.length;
    const answers = Math.floor(this.received / this.frameBytes);
    this.received -= answers * this.frameBytes;
    return answers;
  }
}

/** Answers of any size: each one's 4-byte length prefix read, the rest skipped. */
export class PrefixedAnswers implements AnswerCounter {
  private readonly prefix = new Uint8Array(4);
  private prefixFilled = 0;
  /** Bytes of the current answer still to skip once its prefix was read. */
  private skip = 0;

  count(chunk: Uint8Array): number {
    let answers = 0;
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        if (this.skip === 0) answers++;
        continue;
      }
      this.prefix[this.prefixFilled++] = chunk[at++]!;
      if (this.prefixFilled === 4) {
        this.prefixFilled = 0;
        this.skip = (this.prefix[0]! << 24) | (this.prefix[1]! << 16) | (this.prefix[2]! << 8) | this.prefix[3]!;
        if (this.skip === 0) answers++; // a frame that is only its prefix
      }
    }
    return answers;
  }
}
