import { encodeCustomHeader } from "../protocol/custom-header.ts";
import { createRequest, type CommandInit, type RemotingCommand } from "../protocol/remoting-command.ts";
import { RequestCode } from "../protocol/request-code.ts";
import { bodyCrc32 } from "./body-crc32.ts";
import { encodeHeartbeatData, type HeartbeatData } from "./heartbeat-data.ts";
import {
  GetRouteInfoRequestHeader,
  HeartbeatRequestHeader,
  RegisterBrokerRequestHeader,
  UnregisterBrokerRequestHeader,
} from "./headers.ts";
import { encodeRegisterBrokerBody, type RegisterBrokerBody } from "./register-broker-body.ts";

/*
 * Ready-made requests for the calls a client of a real cluster makes first. Each takes the usual
 * command fields (serializeType, version, language...) in `init`.
 */

/** Command fields a builder lets the caller choose (code, header and body are the builder's). */
export type RequestFields = Omit<CommandInit, "code" | "header" | "body">;

function withHeader(code: number, extFields: Record<string, string>, init: RequestFields | undefined, body: Uint8Array | null = null): RemotingCommand {
  return createRequest(code, { ...init, extFields: { ...extFields, ...init?.extFields }, body });
}

/**
 * GET_ROUTEINFO_BY_TOPIC to a name server. acceptStandardJsonOnly defaults to true, so the answer
 * is standard JSON even from a 4.9.4+ name server talking to an old-version client.
 */
export function createRouteInfoRequest(topic: string, init?: RequestFields & { acceptStandardJsonOnly?: boolean }): RemotingCommand {
  const { acceptStandardJsonOnly = true, ...rest } = init ?? {};
  return withHeader(RequestCode.GET_ROUTEINFO_BY_TOPIC, encodeCustomHeader({ topic, acceptStandardJsonOnly }, GetRouteInfoRequestHeader), rest);
}

/** GET_BROKER_CLUSTER_INFO to a name server (no header; the answer is a ClusterInfo). */
export function createClusterInfoRequest(init?: RequestFields): RemotingCommand {
  return createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, init);
}

/** GET_ALL_TOPIC_LIST_FROM_NAMESERVER (no header; the answer is a TopicList). */
export function createTopicListRequest(init?: RequestFields): RemotingCommand {
  return createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, init);
}

/**
 * REGISTER_BROKER with a JSON body; `compressed` and `bodyCrc32` are filled in (the name server
 * refuses a body whose checksum does not match).
 */
export function createRegisterBrokerRequest(
  header: Omit<RegisterBrokerRequestHeader, "compressed" | "bodyCrc32">,
  body: RegisterBrokerBody,
  init?: RequestFields,
): RemotingCommand {
  const bytes = encodeRegisterBrokerBody(body);
  const ext = encodeCustomHeader({ ...header, compressed: false, bodyCrc32: bodyCrc32(bytes) }, RegisterBrokerRequestHeader);
  return withHeader(RequestCode.REGISTER_BROKER, ext, init, bytes);
}

/** UNREGISTER_BROKER (104): a broker leaving a name server. */
export function createUnregisterBrokerRequest(header: UnregisterBrokerRequestHeader, init?: RequestFields): RemotingCommand {
  return withHeader(RequestCode.UNREGISTER_BROKER, encodeCustomHeader(header, UnregisterBrokerRequestHeader), init);
}

/** HEART_BEAT to a broker, with the client's producer and consumer groups. */
export function createHeartbeatRequest(data: HeartbeatData, init?: RequestFields & { header?: HeartbeatRequestHeader }): RemotingCommand {
  const { header = {}, ...rest } = init ?? {};
  return withHeader(RequestCode.HEART_BEAT, encodeCustomHeader(header, HeartbeatRequestHeader), rest, encodeHeartbeatData(data));
}
