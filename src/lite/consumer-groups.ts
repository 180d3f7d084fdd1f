import type { RemotingChannel } from "../core/inbound/processor.ts";
import type { ConsumerData, SubscriptionData } from "../rocketmq/heartbeat-data.ts";

/** A client of a consumer group: the connection its heartbeats came on, and when the last one came. */
interface GroupClient {
  channel: RemotingChannel;
  lastSeen: number;
}

/** A consumer group as the broker knows it from heartbeats (Java's ConsumerGroupInfo). */
interface ConsumerGroup {
  readonly clients: Map<string, GroupClient>;
  /** By topic: the subscription with the highest subVersion heard. */
  readonly subscriptions: Map<string, SubscriptionData>;
}

/**
 * The consumer groups of an in-memory broker (Java's ConsumerManager): registered by heartbeats,
 * a client left by UNREGISTER_CLIENT, a closed connection or silence, and a group gone with its
 * last client. Each change that should make the group rebalance (a client came or went, the
 * subscribed topics changed) is reported to the caller, which notifies the group.
 */
export class ConsumerGroups {
  readonly #groups = new Map<string, ConsumerGroup>();

  /**
   * A heartbeat's consumer data from `clientId` on `channel`. True when the group should rebalance:
   * a new client or connection, or a topic added to or removed from its subscriptions (a newer
   * subVersion of the same topics replaces them quietly, as in Java).
   */
  register(data: ConsumerData, clientId: string, channel: RemotingChannel, now: number): boolean {
    let group = this.#groups.get(data.groupName);
    if (group === undefined) this.#groups.set(data.groupName, (group = { clients: new Map(), subscriptions: new Map() }));
    const known = group.clients.get(clientId);
    const newClient = known === undefined || known.channel !== channel;
    group.clients.set(clientId, { channel, lastSeen: now });
    let topicsChanged = false;
    const heard = new Set<string>();
    for (const subscription of data.subscriptionDataSet) {
      heard.add(subscription.topic);
      const old = group.subscriptions.get(subscription.topic);
      if (old === undefined) topicsChanged = true;
      if (old === undefined || subscription.subVersion > old.subVersion) group.subscriptions.set(subscription.topic, subscription);
    }
    for (const topic of group.subscriptions.keys()) {
      if (!heard.has(topic)) {
        group.subscriptions.delete(topic);
        topicsChanged = true;
      }
    }
    return newClient || topicsChanged;
  }

  /** `clientId` leaves `groupName`; true if it was in it. */
  unregister(groupName: string, clientId: string): boolean {
    const group = this.#groups.get(groupName);
    if (group === undefined || !group.clients.delete(clientId)) return false;
    if (group.clients.size === 0) this.#groups.delete(groupName);
    return true;
  }

  /** Every client on `channel` leaves its groups; returns the groups that lost one. */
  removeChannel(channel: RemotingChannel): string[] {
    return this.#removeWhere((client) => client.channel === channel);
  }

  /** Clients silent for longer than `maxIdleMs` leave; returns the groups that lost one. */
  evictIdle(now: number, maxIdleMs: number): string[] {
    return this.#removeWhere((client) => now - client.lastSeen > maxIdleMs);
  }

  /** The client ids of the group's live clients (empty for an unknown group). */
  clientIds(groupName: string): string[] {
    return [...(this.#groups.get(groupName)?.clients.keys() ?? [])];
  }

  /** The connections of the group's clients. */
  channels(groupName: string): RemotingChannel[] {
    return [...(this.#groups.get(groupName)?.clients.values() ?? [])].map((c) => c.channel);
  }

  /** The group's subscription to `topic`, if any. */
  subscription(groupName: string, topic: string): SubscriptionData | undefined {
    return this.#groups.get(groupName)?.subscriptions.get(topic);
  }

  /** Whether the group has a live client. */
  has(groupName: string): boolean {
    return this.#groups.has(groupName);
  }

  #removeWhere(gone: (client: GroupClient) => boolean): string[] {
    const changed: string[] = [];
    for (const [name, group] of this.#groups) {
      let lost = false;
      for (const [id, client] of group.clients) {
        if (gone(client)) {
          group.clients.delete(id);
          lost = true;
        }
      }
      if (!lost) continue;
      changed.push(name);
      if (group.clients.size === 0) this.#groups.delete(name);
    }
    return changed;
  }
}
