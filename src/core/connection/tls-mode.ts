/**
 * RocketMQ's server TLS modes (Java's TlsMode, `tls.server.mode`): the server tells TLS from
 * plaintext per connection by the client's very first byte, a TLS handshake record being 0x16.
 * The decision lives here, runtime-free, so that every transport sniffs alike: a transport only has
 * to turn an accepted socket into a TLS server socket when told to (TransportSocket.startTls).
 */
export type TlsMode = "disabled" | "permissive" | "enforcing";

export const TLS_MODES: readonly TlsMode[] = ["disabled", "permissive", "enforcing"];

/** The first byte of a TLS record carrying a handshake (ClientHello). */
export const TLS_HANDSHAKE_BYTE = 0x16;

/** What to do with a new server connection, given its first byte: go on in plaintext, start TLS, or refuse (why). */
export type TlsDecision = { action: "plaintext" } | { action: "tls" } | { action: "refuse"; reason: string };

const PLAINTEXT: TlsDecision = { action: "plaintext" };
const TLS: TlsDecision = { action: "tls" };

/**
 * Java's HandshakeHandler rule. `canServeTls` is false when the server has no certificate (TLS
 * clients are then refused, as Java does without an SSL context).
 */
export function decideTls(mode: TlsMode, firstByte: number, canServeTls: boolean): TlsDecision {
  if (firstByte !== TLS_HANDSHAKE_BYTE) {
    return mode === "enforcing" ? { action: "refuse", reason: "plaintext connection refused: the server requires TLS (tlsMode \"enforcing\")" } : PLAINTEXT;
  }
  if (mode === "disabled") return { action: "refuse", reason: "TLS handshake refused: TLS is disabled on this server (tlsMode \"disabled\")" };
  if (!canServeTls) return { action: "refuse", reason: "TLS handshake refused: the server has no certificate (option \"tls\" with key and cert)" };
  return TLS;
}
