import { networkInterfaces } from "node:os";
import { formatIp } from "../message/ip-address.ts";
import { selectMessageIdIp } from "../message/message-id.ts";

/** Who a client is to brokers (Java's ClientConfig.buildMQClientId) and what its message ids carry. */
export interface ClientIdentity {
  /** The host address chosen as Java's UtilAll.getIP chooses it (4 or 16 bytes). */
  readonly ip: Uint8Array;
  /** Java's instanceName: the given one, or "pid#nanoTime" as Java's changeInstanceNameToPID makes it. */
  readonly instanceName: string;
  /** "ip@instanceName": how brokers tell the clients of a group apart. */
  readonly clientId: string;
  /** The process id (its low 16 bits go into message ids). */
  readonly pid: number;
}

/** The host's interface addresses, in interface order. */
function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) out.push(entry.address);
  return out;
}

/** This process's identity: `clientIp` and `instanceName` override what is found on the host. */
export function clientIdentity(options: { clientIp?: string | undefined; instanceName?: string | undefined } = {}): ClientIdentity {
  const ip = selectMessageIdIp(options.clientIp === undefined ? hostAddresses() : [options.clientIp]);
  const pid = globalThis.process?.pid ?? 0;
  const instanceName = options.instanceName ?? `${pid}#${globalThis.process?.hrtime?.bigint?.() ?? Date.now()}`;
  return { ip, instanceName, clientId: `${formatIp(ip)}@${instanceName}`, pid };
}
