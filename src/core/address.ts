/**
 * "host:port" addresses, split at the last colon as Java does ("[fe80::1]:9876" -> host "fe80::1").
 */
export interface HostPort {
  host: string;
  port: number;
}

export function parseAddress(addr: string): HostPort {
  const colon = addr.lastIndexOf(":");
  const port = colon < 0 ? NaN : Number(addr.slice(colon + 1));
  let host = colon < 0 ? "" : addr.slice(0, colon);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "" || !Number.isInteger(port) || port < 0 || port > 65535 || addr.slice(colon + 1).trim() === "") {
    throw new TypeError(`invalid address "${addr}": expected "host:port"`);
  }
  return { host, port };
}

export function formatAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
