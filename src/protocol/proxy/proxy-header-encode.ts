import { utf8Bytes } from "../utf8.ts";
import { crc32c } from "./crc32c.ts";
import { formatIPv6, parseIPv4, parseIPv6 } from "./ip-address.ts";
import {
  PROXY_V2_FIXED_LENGTH,
  PROXY_V2_SIGNATURE,
  ProxyTlvType,
  type ProxyCommand,
  type ProxyEndpoint,
  type ProxyFamily,
} from "./proxy-header.ts";

/*
 * Writing PROXY headers, for clients that connect through nothing but must present one (tests, a
 * relay written with this library). Bad arguments are programming errors: TypeError / RangeError.
 */

/** A TLV to write: its type byte and value. */
export interface ProxyTlvInit {
  /** The type byte, 0 to 255 (ProxyTlvType for the registered ones). */
  type: number;
  /** At most 65535 bytes (a RangeError otherwise). */
  value: Uint8Array;
}

/** What encodeProxyHeaderV1 / encodeProxyHeaderV2 write. */
export interface ProxyHeaderInit {
  /** Version 2 only; default "PROXY". A LOCAL header carries no addresses. */
  command?: ProxyCommand;
  /** UNSPEC writes "UNKNOWN" (version 1) or AF_UNSPEC (version 2); UNIX needs version 2. */
  family: ProxyFamily;
  /** The original client and the address it connected to; required unless UNSPEC or LOCAL. */
  source?: ProxyEndpoint;
  /** The address the client connected to (the proxy's); required unless UNSPEC or LOCAL. */
  destination?: ProxyEndpoint;
  /** Version 2 only, in this order. */
  tlvs?: readonly ProxyTlvInit[];
  /** Version 2 only: end with a CRC32C TLV over the whole header. */
  crc32c?: boolean;
}

const UNIX_PATH_LENGTH = 108;

function endpoint(init: ProxyHeaderInit, which: "source" | "destination"): ProxyEndpoint {
  const e = init[which];
  if (e == null || typeof e.address !== "string") throw new TypeError(`PROXY header: ${which} { address, port } is required for ${init.family}`);
  if (init.family !== "UNIX" && (!Number.isInteger(e.port) || e.port < 0 || e.port > 65535)) throw new RangeError(`PROXY header: ${which} port must be an integer 0-65535, got ${e.port}`);
  return e;
}

/** The address as bytes of the family's size (4, 16 or a 108-byte sun_path). */
function addressBytes(family: ProxyFamily, address: string, which: string): Uint8Array {
  if (family === "UNIX") {
    const path = utf8Bytes(address);
    if (path.length > UNIX_PATH_LENGTH) throw new RangeError(`PROXY header: ${which} path is ${path.length} bytes, a UNIX address holds ${UNIX_PATH_LENGTH}`);
    const out = new Uint8Array(UNIX_PATH_LENGTH);
    out.set(path);
    return out;
  }
  const bytes = family === "TCP4" ? parseIPv4(address) : parseIPv6(address);
  if (bytes === null) throw new TypeError(`PROXY header: ${which} address ${JSON.stringify(address)} is not an ${family === "TCP4" ? "IPv4" : "IPv6"} address`);
  return bytes;
}

/** "PROXY TCP4 192.0.2.1 198.51.100.7 51234 9876\r\n", or "PROXY UNKNOWN\r\n" for UNSPEC. */
export function encodeProxyHeaderV1(init: ProxyHeaderInit): Uint8Array {
  if (init.family === "UNSPEC") return utf8Bytes("PROXY UNKNOWN\r\n");
  if (init.family !== "TCP4" && init.family !== "TCP6") throw new TypeError(`PROXY header: version 1 carries TCP4, TCP6 or UNSPEC, not ${init.family}`);
  if ((init.command ?? "PROXY") !== "PROXY" || init.tlvs !== undefined || init.crc32c === true) throw new TypeError("PROXY header: LOCAL, TLVs and CRC32C need version 2");
  const text = (which: "source" | "destination"): string => {
    const { address } = endpoint(init, which);
    const bytes = addressBytes(init.family, address, which);
    return init.family === "TCP6" ? formatIPv6(bytes) : address;
  };
  const src = text("source");
  const dst = text("destination");
  return utf8Bytes(`PROXY ${init.family} ${src} ${dst} ${init.source!.port} ${init.destination!.port}\r\n`);
}

const FAMILY_BYTE: Record<ProxyFamily, number> = { UNSPEC: 0x00, TCP4: 0x11, TCP6: 0x21, UNIX: 0x31 };

/** TLVs one after another: type, 2-byte length, value. */
export function encodeProxyTlvs(tlvs: readonly ProxyTlvInit[]): Uint8Array {
  const out = new Uint8Array(tlvs.reduce((sum, t) => sum + 3 + t.value.length, 0));
  let at = 0;
  for (const { type, value } of tlvs) {
    if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError(`PROXY header: TLV type must be a byte, got ${type}`);
    if (value.length > 0xffff) throw new RangeError(`PROXY header: TLV ${type} value is ${value.length} bytes, at most 65535`);
    out[at] = type;
    out[at + 1] = value.length >>> 8;
    out[at + 2] = value.length;
    out.set(value, at + 3);
    at += 3 + value.length;
  }
  return out;
}

/** The value of an SSL TLV: `client` flags (ProxySslClient), `verify` (0: verified), then its own TLVs. */
export function encodeProxySslValue(client: number, verify: number, tlvs: readonly ProxyTlvInit[] = []): Uint8Array {
  const sub = encodeProxyTlvs(tlvs);
  const out = new Uint8Array(5 + sub.length);
  out[0] = client;
  new DataView(out.buffer).setUint32(1, verify >>> 0);
  out.set(sub, 5);
  return out;
}

/** The binary header: signature, version 2 and command, family, length, addresses, TLVs (and CRC32C). */
export function encodeProxyHeaderV2(init: ProxyHeaderInit): Uint8Array {
  const local = (init.command ?? "PROXY") === "LOCAL";
  const family = local ? "UNSPEC" : init.family;
  if (!(family in FAMILY_BYTE)) throw new TypeError(`PROXY header: unknown family ${JSON.stringify(family)}`);
  const parts: Uint8Array[] = [];
  if (family !== "UNSPEC") {
    const src = endpoint(init, "source");
    const dst = endpoint(init, "destination");
    parts.push(addressBytes(family, src.address, "source"), addressBytes(family, dst.address, "destination"));
    if (family !== "UNIX") parts.push(new Uint8Array([src.port >>> 8, src.port, dst.port >>> 8, dst.port]));
  }
  const tlvs = [...(init.tlvs ?? [])];
  if (init.crc32c === true) tlvs.push({ type: ProxyTlvType.CRC32C, value: new Uint8Array(4) });
  parts.push(encodeProxyTlvs(tlvs));
  const rest = parts.reduce((sum, p) => sum + p.length, 0);
  if (rest > 0xffff) throw new RangeError(`PROXY header: addresses and TLVs take ${rest} bytes, a version 2 header holds 65535`);
  const out = new Uint8Array(PROXY_V2_FIXED_LENGTH + rest);
  out.set(PROXY_V2_SIGNATURE);
  out[12] = local ? 0x20 : 0x21;
  out[13] = FAMILY_BYTE[family];
  out[14] = rest >>> 8;
  out[15] = rest;
  let at = PROXY_V2_FIXED_LENGTH;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  if (init.crc32c === true) new DataView(out.buffer).setUint32(out.length - 4, crc32c(out));
  return out;
}
