import { PROXY_V1_PREFIX, PROXY_V2_SIGNATURE } from "./proxy-header.ts";

/*
 * Telling a PROXY header from what else may open a connection to a RocketMQ server (proxyProtocol
 * "optional"): a RocketMQ frame or a TLS record. The stream is handed on at the first byte that
 * rules a PROXY header out, and taken for one at the first byte that rules the others out:
 *
 * - A TLS record starts with 0x16. A RocketMQ frame starts with its length (big-endian int32, the
 *   4 length bytes excluded), then a header-length word whose first byte is the serialize type
 *   (0 JSON, 1 ROCKETMQ), then the header (JSON: an object, so "{" after optional white space).
 * - A first byte other than "P" (0x50) or CR (0x0D) is no PROXY header: decided after 1 byte for
 *   every TLS record and every frame shorter than 0x0D000000 bytes (208 MiB), which is every frame
 *   the default maxFrameLength (16 MiB) lets in.
 * - "PROX" as a length is a frame of 1,347,571,544 bytes (possible with a large maxFrameLength),
 *   but its byte 4 is the serialize type, 0 or 1, never "Y" (0x59): "PROXY" is version 1 after 5
 *   bytes; a mismatch in the first 5 hands the stream on at that byte.
 * - CR LF CR LF as a length is a frame of 218,762,506 bytes, then 0x00 a valid JSON type and
 *   0D 0A 51 a valid header length (854,609); byte 8 would begin the JSON header, which cannot be
 *   "U" (0x55): version 2 after 9 bytes (the version 2 parser then checks the signature's last 3
 *   bytes); a mismatch in the first 9 hands the stream on at that byte.
 *
 * So no valid frame or TLS record is taken for a header, and no header is missed. (Netty, which
 * Java 5.x uses, waits for 12 bytes whatever they are; the spec's own rule waits for 16 or 8.)
 */

/** Bytes after which "PROXY" can no longer be a RocketMQ frame. */
export const PROXY_V1_DECISIVE_LENGTH = 5;
/** Bytes after which the version 2 signature can no longer be a RocketMQ frame. */
export const PROXY_V2_DECISIVE_LENGTH = 9;

/** What detectProxyHeader decided from a stream's first bytes, by `kind`. */
export type ProxyDetection =
  | {
      /** Every byte so far fits both a header and something else: more are needed. */
      readonly kind: "undecided";
    }
  | {
      /** A PROXY header (to be parsed and checked by ProxyHeaderParser). */
      readonly kind: "proxy";
      /** Which one: 1 (text) or 2 (binary). */
      readonly version: 1 | 2;
    }
  | {
      /** No PROXY header: the stream is a RocketMQ frame, TLS, or something else. */
      readonly kind: "absent";
      /** The byte that ruled a header out (0-based). */
      readonly offset: number;
    };

const UNDECIDED: ProxyDetection = { kind: "undecided" };
const VERSION_1: ProxyDetection = { kind: "proxy", version: 1 };
const VERSION_2: ProxyDetection = { kind: "proxy", version: 2 };

/** Whether the stream whose first bytes are `b` opens with a PROXY header (see the rule above). */
export function detectProxyHeader(b: Uint8Array): ProxyDetection {
  if (b.length === 0) return UNDECIDED;
  const v1 = b[0] === PROXY_V1_PREFIX[0];
  if (!v1 && b[0] !== PROXY_V2_SIGNATURE[0]) return { kind: "absent", offset: 0 };
  const expected = v1 ? PROXY_V1_PREFIX : PROXY_V2_SIGNATURE;
  const decisive = v1 ? PROXY_V1_DECISIVE_LENGTH : PROXY_V2_DECISIVE_LENGTH;
  const n = Math.min(b.length, decisive);
  for (let i = 1; i < n; i++) if (b[i] !== expected[i]) return { kind: "absent", offset: i };
  if (n < decisive) return UNDECIDED;
  return v1 ? VERSION_1 : VERSION_2;
}
