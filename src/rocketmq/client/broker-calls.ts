import type { RemotingClient } from "../../core/endpoint/remoting-client.ts";
import { RemotingVersion } from "../../protocol/remoting-command.ts";
import { RequestCode } from "../../protocol/request-code.ts";
import { UnregisterClientRequestHeader } from "../consumer-headers.ts";
import type { HeartbeatData } from "../heartbeat-data.ts";
import { createHeaderRequest, type NumericHeaderOf } from "../numeric-header.ts";
import { createHeartbeatRequest } from "../requests.ts";
import { settleAll } from "./settle-all.ts";

/*
 * The calls every client makes to each broker it knows, the Producer's and the Consumer's alike
 * (Java's MQClientInstance): heartbeats, and the unregistration at shutdown.
 */

/** HEART_BEAT with `data` to every address in parallel; rejects with the first failure, once all settled. */
export async function sendHeartbeats(client: RemotingClient, addrs: Iterable<string>, data: HeartbeatData, timeoutMs: number): Promise<void> {
  await settleAll([...addrs].map((addr) => client.invokeSync(addr, createHeartbeatRequest(data, { version: RemotingVersion.V4_9_8 }), timeoutMs)));
}

/** UNREGISTER_CLIENT with each header to every address; a failure goes to `onError`, the others go on. */
export async function unregisterClient(
  client: RemotingClient,
  addrs: Iterable<string>,
  headers: ReadonlyArray<NumericHeaderOf<typeof UnregisterClientRequestHeader>>,
  timeoutMs: number,
  onError: (error: unknown) => void,
): Promise<void> {
  const calls = [...addrs].flatMap((addr) =>
    headers.map((header) => client.invokeSync(addr, createHeaderRequest(RequestCode.UNREGISTER_CLIENT, UnregisterClientRequestHeader, header, { version: RemotingVersion.V4_9_8 }), timeoutMs)),
  );
  for (const r of await Promise.allSettled(calls)) if (r.status === "rejected") onError(r.reason);
}
