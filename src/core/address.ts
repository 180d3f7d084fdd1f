/**
 * "host:port" addresses, split at the last colon as Java does ("[fe80::1]:9876" -> host "fe80::1"),
 * and "unix:/path/to.sock" for unix domain sockets (which RocketMQ's Java code does not have).
 */
export interface HostPort {
  /** A name or an IP address; an IPv6 address without its brackets. */
  host: string;
  /** 0 to 65535. */
  port: number;
}

/** A unix domain socket's path. */
export interface UnixPath {
  /** The socket file's path, as given after "unix:". */
  path: string;
}

/** Where to connect or listen: a TCP host and port, or a unix domain socket. */
export type SocketAddress = HostPort | UnixPath;

/** How a unix domain socket's address is written wherever an address is accepted. */
export const UNIX_PREFIX = "unix:";

/** "host:port" or "unix:/path/to.sock". Throws a TypeError naming the address when it is neither. */
export function parseSocketAddress(addr: string): SocketAddress {
  if (typeof addr === "string" && addr.startsWith(UNIX_PREFIX)) {
    const path = addr.slice(UNIX_PREFIX.length);
    if (path === "" || path.includes("\0")) throw new TypeError(`invalid address "${addr}": expected "unix:/path/to.sock"`);
    return { path };
  }
  return parseAddress(addr);
}

/** The written form of an address ("unix:/path" or "host:port"). */
export function formatSocketAddress(address: SocketAddress): string {
  return "path" in address ? `${UNIX_PREFIX}${address.path}` : formatAddress(address.host, address.port);
}

const PORT = /^\d{1,5}$/;

/** "host:port" only. Throws a TypeError naming the address otherwise. */
export function parseAddress(addr: string): HostPort {
  if (typeof addr !== "string") throw new TypeError(`invalid address ${String(addr)}: expected "host:port"`);
  const colon = addr.lastIndexOf(":");
  const digits = colon < 0 ? "" : addr.slice(colon + 1);
  // Decimal digits only (Java's Integer.parseInt also takes a leading "+"): not " 123", "0x2694"
  // or "123.0", which Number() would take, each opening its own connection to the same port.
  const port = PORT.test(digits) ? Number(digits) : NaN;
  let host = colon < 0 ? "" : addr.slice(0, colon);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  // A bracket left over ("[::1", "::1]:80") is a typo, not a host name to look up.
  if (host === "" || host.includes("[") || host.includes("]") || !(port <= 65535)) throw new TypeError(`invalid address "${addr}": expected "host:port"`);
  return { host, port };
}

/** "host:port", with an IPv6 host in brackets ("[::1]:9876"); the inverse of parseAddress. */
export function formatAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
