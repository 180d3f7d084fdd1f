/**
 * The HAProxy PROXY protocol (versions 1 and 2) as data: what a load balancer tells the server
 * about the connection it relays, sent before anything else on that connection. The parser is
 * proxy-header-parser.ts, the encoder proxy-header-encode.ts. Facts from haproxy's
 * doc/proxy-protocol.txt.
 */

/** PROXY: relayed for the client in `source`. LOCAL: the proxy's own connection (a health check); use the socket's addresses. */
export type ProxyCommand = "PROXY" | "LOCAL";

/**
 * The relayed connection's family. UNSPEC: no address information (v1 "UNKNOWN", v2 AF_UNSPEC, and
 * the v2 datagram families, which the spec lets a receiver fall back to UNSPEC for).
 */
export type ProxyFamily = "TCP4" | "TCP6" | "UNIX" | "UNSPEC";

/** One end of the relayed connection, as the header names it. */
export interface ProxyEndpoint {
  /** IPv4 dotted quad, IPv6 in RFC 5952 form ("2001:db8::1", "::ffff:10.0.0.1"), or a UNIX socket path. */
  readonly address: string;
  /** 0..65535; 0 for UNIX. */
  readonly port: number;
}

/** A v2 Type-Length-Value field. */
export interface ProxyTlv {
  /** The type byte (ProxyTlvType for the registered ones). */
  readonly type: number;
  /** The registered name of `type`, or null for an unregistered, custom (0xE0-0xEF) or experimental one. */
  readonly name: ProxyTlvName | null;
  /** The value: a view into the received bytes, never copied. */
  readonly value: Uint8Array;
  /** For SSL (0x20): the value's fields and its own TLVs. */
  readonly ssl?: ProxySslInfo;
}

/** The value of an SSL TLV (struct pp2_tlv_ssl). */
export interface ProxySslInfo {
  /** Bit field of ProxySslClient flags. */
  readonly client: number;
  /** 0 when the client presented a certificate and it verified; non-zero otherwise (uint32). */
  readonly verify: number;
  /** SSL_VERSION, SSL_CN, SSL_CIPHER, SSL_SIG_ALG, SSL_KEY_ALG... */
  readonly tlvs: readonly ProxyTlv[];
}

/**
 * A parsed PROXY header: the relayed connection's addresses and (version 2) its TLVs. A server
 * with the proxyProtocol option gives it to processors as ctx.proxyHeader.
 */
export interface ProxyHeader {
  /** 1 (the text form) or 2 (the binary form). */
  readonly version: 1 | 2;
  /** Always PROXY for version 1. */
  readonly command: ProxyCommand;
  /** The relayed connection's address family. */
  readonly family: ProxyFamily;
  /** The original client; null for LOCAL and UNSPEC. */
  readonly source: ProxyEndpoint | null;
  /** The address the client connected to (the proxy's); null for LOCAL and UNSPEC. */
  readonly destination: ProxyEndpoint | null;
  /** Version 2's TLVs in wire order (an SSL TLV's own are in its `ssl.tlvs`); empty for version 1 and LOCAL. */
  readonly tlvs: readonly ProxyTlv[];
  /** Bytes the header took on the wire. */
  readonly length: number;
}

/** The registered TLV types (PP2_TYPE_* and PP2_SUBTYPE_SSL_*). */
export const ProxyTlvType = {
  ALPN: 0x01,
  AUTHORITY: 0x02,
  CRC32C: 0x03,
  NOOP: 0x04,
  UNIQUE_ID: 0x05,
  SSL: 0x20,
  SSL_VERSION: 0x21,
  SSL_CN: 0x22,
  SSL_CIPHER: 0x23,
  SSL_SIG_ALG: 0x24,
  SSL_KEY_ALG: 0x25,
  NETNS: 0x30,
} as const;

/** A registered TLV type's name ("ALPN", "SSL_CN"...). */
export type ProxyTlvName = keyof typeof ProxyTlvType;

const TLV_NAMES = new Map<number, ProxyTlvName>(Object.entries(ProxyTlvType).map(([name, type]) => [type, name as ProxyTlvName]));

/** The registered name of a TLV type byte, or null for an unregistered, custom or experimental one. */
export function proxyTlvName(type: number): ProxyTlvName | null {
  return TLV_NAMES.get(type) ?? null;
}

/** The `client` bits of an SSL TLV (PP2_CLIENT_*). */
export const ProxySslClient = {
  /** The client connected over SSL/TLS. */
  SSL: 0x01,
  /** The client presented a certificate on this connection. */
  CERT_CONN: 0x02,
  /** The client presented a certificate at least once in this TLS session. */
  CERT_SESS: 0x04,
} as const;

/** "PROXY": how a version 1 header begins. */
export const PROXY_V1_PREFIX: Uint8Array = new Uint8Array([0x50, 0x52, 0x4f, 0x58, 0x59]);
/** The 12 bytes a version 2 header begins with. */
export const PROXY_V2_SIGNATURE: Uint8Array = new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** The longest version 1 line, CRLF included ("PROXY UNKNOWN" with two full IPv6 addresses and ports). */
export const PROXY_V1_MAX_LENGTH = 107;
/** Signature, version/command, family, length. */
export const PROXY_V2_FIXED_LENGTH = 16;
/** A v2 header's 16-bit length field counts what follows the fixed part. */
export const PROXY_V2_MAX_LENGTH = PROXY_V2_FIXED_LENGTH + 0xffff;
/** The spec's limit on a UNIQUE_ID value. */
export const PROXY_UNIQUE_ID_MAX_LENGTH = 128;
