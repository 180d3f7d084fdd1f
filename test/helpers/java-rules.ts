import rules from "../fixtures/rocketmq-java-rules.json";

/*
 * Results of RocketMQ 4.9.8's own Java classes on chosen inputs (see the fixture's "about"):
 * AllocateMessageQueueAveragely, FilterAPI.buildSubscriptionData, string2messageProperties and
 * String.hashCode.
 */

export interface AllocationCase {
  queues: number;
  consumers: number;
  /** assignment[i]: the queue ids consumer i (of the sorted ids) gets. */
  assignment: number[][];
}

export type SubscriptionCase = { expression: string } & ({ subString: string; tagsSet: string[]; codeSet: number[] } | { error: string });

export const javaRules = rules as unknown as {
  allocateMessageQueueAveragely: AllocationCase[];
  buildSubscriptionData: SubscriptionCase[];
  string2messageProperties: { text: string; map: Record<string, string> }[];
  stringHashCode: { s: string; hashCode: number }[];
};
