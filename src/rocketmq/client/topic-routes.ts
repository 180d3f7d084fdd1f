import type { RemotingClient } from "../../core/endpoint/remoting-client.ts";
import { MQClientError } from "../../errors.ts";
import { ResponseCode } from "../../protocol/response-code.ts";
import { createRouteInfoRequest } from "../requests.ts";
import { masterOfBroker, parseTopicRouteData, type TopicRouteData } from "../route-data.ts";
import { requireMasterAddress } from "../publish-info.ts";
import { ClientErrorCode } from "../send-result.ts";

/**
 * A client's topic routes, asked of the name servers (GET_ROUTEINFO_BY_TOPIC) and cached until the
 * next refresh (Java's MQClientInstance topicRouteTable). Concurrent refreshes of one topic share
 * one request. A failed refresh keeps the route cached before it, as Java does.
 */
export class TopicRoutes {
  readonly #client: RemotingClient;
  readonly #timeoutMs: number;
  readonly #version: number;
  readonly #routes = new Map<string, TopicRouteData>();
  readonly #inFlight = new Map<string, Promise<TopicRouteData | null>>();

  constructor(client: RemotingClient, options: { timeoutMs: number; version: number }) {
    this.#client = client;
    this.#timeoutMs = options.timeoutMs;
    this.#version = options.version;
  }

  /** The cached route of `topic`, if any. */
  get(topic: string): TopicRouteData | undefined {
    return this.#routes.get(topic);
  }

  /** The topics with a cached route. */
  topics(): string[] {
    return [...this.#routes.keys()];
  }

  /**
   * Asks a name server for `topic`'s route and caches it; null when the name server does not know
   * the topic (TOPIC_NOT_EXIST). Any other failure is an MQClientError (the cause kept).
   */
  refresh(topic: string): Promise<TopicRouteData | null> {
    let pending = this.#inFlight.get(topic);
    if (pending === undefined) {
      pending = this.#fetch(topic).finally(() => this.#inFlight.delete(topic));
      this.#inFlight.set(topic, pending);
    }
    return pending;
  }

  async #fetch(topic: string): Promise<TopicRouteData | null> {
    let response;
    try {
      response = await this.#client.invokeSync(null, createRouteInfoRequest(topic, { version: this.#version }), this.#timeoutMs);
    } catch (error) {
      throw new MQClientError(`getting the route of topic ${topic} from the name servers failed: ${(error as Error).message}`, {
        responseCode: ClientErrorCode.NO_NAME_SERVER_EXCEPTION,
        cause: error,
      });
    }
    if (response.code === ResponseCode.TOPIC_NOT_EXIST) return null;
    if (response.code !== ResponseCode.SUCCESS) {
      throw new MQClientError(`the name server refused the route of topic ${topic}: code ${response.code}, ${response.remark ?? "no remark"}`, { responseCode: response.code });
    }
    const route = parseTopicRouteData(response.body);
    this.#routes.set(topic, route);
    return route;
  }

  /**
   * The master address of `brokerName` in the cached routes; an MQClientError (Java's "The
   * broker[...] not exist", BROKER_NOT_EXIST_EXCEPTION) when no route names it.
   */
  masterAddress(brokerName: string): string {
    return requireMasterAddress(this.#routes.values(), brokerName);
  }

  /** Every broker master named by a cached route: broker name -> address. */
  masterAddresses(): Map<string, string> {
    const masters = new Map<string, string>();
    for (const route of this.#routes.values()) {
      for (const broker of route.brokerDatas) {
        const addr = masterOfBroker(broker);
        if (addr !== undefined) masters.set(broker.brokerName, addr);
      }
    }
    return masters;
  }
}
