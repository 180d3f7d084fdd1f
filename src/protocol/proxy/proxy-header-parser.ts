import { PROXY_V1_MAX_LENGTH, type ProxyHeader } from "./proxy-header.ts";
import { detectProxyHeader } from "./proxy-header-detect.ts";
import { parseProxyV1 } from "./proxy-header-v1.ts";
import { parseProxyV2 } from "./proxy-header-v2.ts";
import { failProxy, hexByte, RemotingProxyProtocolError } from "./proxy-protocol-error.ts";

/** "required": a connection must open with a PROXY header. "optional": it may, or may not (see proxy-header-detect.ts). */
export type ProxyHeaderMode = "optional" | "required";

/** What ProxyHeaderParser.feed found, by `state`. */
export type ProxyParseResult =
  | {
      /** Not decided yet: feed the next chunk. */
      readonly state: "incomplete";
    }
  | {
      /** No PROXY header ("optional" only). */
      readonly state: "absent";
      /** Every byte received so far (the chunks fed, joined), for the next protocol. */
      readonly data: Uint8Array;
    }
  | {
      /** The header is read. */
      readonly state: "complete";
      /** What it says. */
      readonly header: ProxyHeader;
      /** The bytes after the header in the last chunk fed, which belong to the next protocol (a view, possibly empty). */
      readonly rest: Uint8Array;
    };

const INCOMPLETE: ProxyParseResult = Object.freeze({ state: "incomplete" });
const ABSENT = -1;

/** The header; or how many bytes the stream must hold to go on; or ABSENT. */
function scan(b: Uint8Array, required: boolean): ProxyHeader | number {
  const detection = detectProxyHeader(b);
  switch (detection.kind) {
    case "undecided":
      return b.length + 1;
    case "absent": {
      if (!required) return ABSENT;
      const i = detection.offset;
      const tls = b[0] === 0x16 ? " (0x16 begins a TLS handshake: the PROXY header must come before TLS)" : "";
      return failProxy(`the connection must begin with a PROXY header (mode "required"), but byte ${i} is ${hexByte(b[i]!)}${tls}`, i);
    }
    case "proxy":
      return detection.version === 1 ? (parseProxyV1(b) ?? b.length + 1) : parseProxyV2(b);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Reads the PROXY header (version 1 or 2) a connection opens with, fed the connection's chunks as
 * they arrive, split anywhere. A header inside one chunk is parsed in place (TLV values are views
 * into that chunk); one split across chunks is gathered into a buffer sized once its length is
 * known, at most 107 bytes before that, so a peer sending a byte at a time costs no more than
 * one sending it whole. Malformed input throws RemotingProxyProtocolError, and again on every
 * later feed: close the connection.
 */
export class ProxyHeaderParser {
  /** Whether the header is required, or optional (told from a frame or TLS by its first bytes). */
  readonly mode: ProxyHeaderMode;
  private buffer: Uint8Array | null = null;
  private held = 0;
  private decided = false;
  private failure: RemotingProxyProtocolError | null = null;

  constructor(mode: ProxyHeaderMode = "required") {
    if (mode !== "optional" && mode !== "required") throw new TypeError(`ProxyHeaderParser: mode must be "optional" or "required", got ${JSON.stringify(mode)}`);
    this.mode = mode;
  }

  /** Bytes received and held while undecided. */
  get bufferedBytes(): number {
    return this.held;
  }

  /**
   * The connection's next chunk. Until the result is "absent" or "complete", feed each chunk as it
   * arrives; after that, the bytes belong to the next protocol, and another feed throws a TypeError.
   * Throws RemotingProxyProtocolError for a malformed header, or a missing one in "required" mode.
   */
  feed(chunk: Uint8Array): ProxyParseResult {
    if (this.failure !== null) throw this.failure;
    if (this.decided) throw new TypeError("ProxyHeaderParser.feed: the header was already decided; give later bytes to the next protocol");
    try {
      return this.held === 0 ? this.first(chunk) : this.more(chunk);
    } catch (error) {
      this.buffer = null;
      this.held = 0;
      this.failure = error as RemotingProxyProtocolError; // scan() throws nothing else
      throw error;
    }
  }

  /** Nothing held: parse the chunk in place. */
  private first(chunk: Uint8Array): ProxyParseResult {
    if (chunk.length === 0) return INCOMPLETE;
    const r = scan(chunk, this.mode === "required");
    if (r === ABSENT) return this.decide({ state: "absent", data: chunk });
    if (typeof r !== "number") return this.decide({ state: "complete", header: r, rest: chunk.subarray(r.length) });
    this.buffer = new Uint8Array(Math.max(r, PROXY_V1_MAX_LENGTH));
    this.buffer.set(chunk);
    this.held = chunk.length;
    return INCOMPLETE;
  }

  /** Bytes held from earlier chunks: take as much of this one as the header may need, and scan again. */
  private more(chunk: Uint8Array): ProxyParseResult {
    const before = this.held;
    let taken = 0;
    for (;;) {
      const buffer = this.buffer!;
      const n = Math.min(chunk.length - taken, buffer.length - this.held);
      buffer.set(chunk.subarray(taken, taken + n), this.held);
      this.held += n;
      taken += n;
      const r = scan(buffer.subarray(0, this.held), this.mode === "required");
      if (r === ABSENT) return this.decide({ state: "absent", data: concat(buffer.subarray(0, before), chunk) });
      if (typeof r !== "number") return this.decide({ state: "complete", header: r, rest: chunk.subarray(r.length - before) });
      if (taken === chunk.length) return INCOMPLETE;
      // The buffer is full and the header longer: a version 2 header whose length is now known.
      const grown = new Uint8Array(r);
      grown.set(buffer.subarray(0, this.held));
      this.buffer = grown;
    }
  }

  private decide(result: ProxyParseResult): ProxyParseResult {
    this.decided = true;
    this.buffer = null;
    this.held = 0;
    return result;
  }
}
