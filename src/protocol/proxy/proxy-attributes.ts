import { utf8Text } from "../utf8.ts";
import type { ProxyHeader, ProxyTlv } from "./proxy-header.ts";

/**
 * The channel attribute names Java 5.1.4+ stores a PROXY header under (HAProxyConstants, after
 * nginx's $proxy_protocol_* variables), for code ported from Java that looks them up.
 */
export const ProxyProtocolAttribute = {
  ADDR: "proxy_protocol_addr",
  PORT: "proxy_protocol_port",
  SERVER_ADDR: "proxy_protocol_server_addr",
  SERVER_PORT: "proxy_protocol_server_port",
  /** Followed by the TLV type as two lower-case hex digits: "proxy_protocol_tlv_0x02". */
  TLV_PREFIX: "proxy_protocol_tlv_0x",
} as const;

/** Java's BinaryUtil.isAscii: printable US-ASCII only. */
function isPrintableAscii(value: Uint8Array): boolean {
  for (const c of value) if (c < 0x20 || c > 0x7e) return false;
  return true;
}

/**
 * The attributes Java's NettyRemotingServer.HAProxyMessageHandler sets for `header`: addresses when
 * not blank, ports when above 0, and each TLV whose value is printable ASCII, as text. As with
 * Netty, an SSL TLV's own TLVs count as if they followed it; a later TLV of a type replaces an
 * earlier one. One difference: Java writes a version 2 IPv6 address uncompressed
 * ("2001:db8:0:0:0:0:0:1"), this gives the RFC 5952 form ("2001:db8::1").
 */
export function proxyProtocolAttributes(header: ProxyHeader): Record<string, string> {
  const attributes: Record<string, string> = {};
  const { source, destination } = header;
  if (source !== null && source.address.trim() !== "") attributes[ProxyProtocolAttribute.ADDR] = source.address;
  if (source !== null && source.port > 0) attributes[ProxyProtocolAttribute.PORT] = String(source.port);
  if (destination !== null && destination.address.trim() !== "") attributes[ProxyProtocolAttribute.SERVER_ADDR] = destination.address;
  if (destination !== null && destination.port > 0) attributes[ProxyProtocolAttribute.SERVER_PORT] = String(destination.port);
  const add = (tlv: ProxyTlv): void => {
    if (isPrintableAscii(tlv.value)) attributes[ProxyProtocolAttribute.TLV_PREFIX + tlv.type.toString(16).padStart(2, "0")] = utf8Text(tlv.value);
  };
  for (const tlv of header.tlvs) {
    add(tlv);
    tlv.ssl?.tlvs.forEach(add);
  }
  return attributes;
}
