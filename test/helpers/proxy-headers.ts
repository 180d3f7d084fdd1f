import { ProxyHeaderParser, RemotingProxyProtocolError, type ProxyHeader, type ProxyHeaderMode, type ProxyTlv } from "../../src/index.ts";
import { toHex } from "./vectors.ts";

/** What a parser made of a whole stream, comparable with toEqual whatever the chunking. */
export type ProxyOutcome =
  | { state: "complete"; header: Record<string, unknown>; after: string }
  | { state: "absent"; data: string }
  | { state: "incomplete"; buffered: number }
  | { state: "error"; message: string; offset: number };

const plainTlv = (t: ProxyTlv): Record<string, unknown> => ({
  type: t.type,
  name: t.name,
  value: toHex(t.value),
  ...(t.ssl === undefined ? {} : { ssl: { client: t.ssl.client, verify: t.ssl.verify, tlvs: t.ssl.tlvs.map(plainTlv) } }),
});

/** A header as plain data (TLV values as hex). */
export function plainHeader(h: ProxyHeader): Record<string, unknown> {
  return { ...h, source: h.source && { ...h.source }, destination: h.destination && { ...h.destination }, tlvs: h.tlvs.map(plainTlv) };
}

const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/**
 * Feeds `chunks` to a fresh parser until it decides. For a decision, `after`/`data` account for
 * every byte: what the next protocol gets is the result's bytes plus the chunks not fed. Only
 * RemotingProxyProtocolError may be thrown (anything else fails the test by propagating).
 */
export function parseChunks(chunks: Uint8Array[], mode: ProxyHeaderMode = "required"): ProxyOutcome {
  const parser = new ProxyHeaderParser(mode);
  for (let i = 0; i < chunks.length; i++) {
    let r;
    try {
      r = parser.feed(chunks[i]!);
    } catch (error) {
      if (!(error instanceof RemotingProxyProtocolError)) throw error;
      return { state: "error", message: error.message, offset: error.offset };
    }
    const later = chunks.slice(i + 1);
    if (r.state === "complete") return { state: "complete", header: plainHeader(r.header), after: toHex(concat([r.rest, ...later])) };
    if (r.state === "absent") return { state: "absent", data: toHex(concat([r.data, ...later])) };
  }
  return { state: "incomplete", buffered: parser.bufferedBytes };
}

/** `bytes` cut at the given offsets. */
export function splitAt(bytes: Uint8Array, ...cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts, bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
}

export const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));
