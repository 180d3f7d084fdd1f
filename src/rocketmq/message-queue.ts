/** One queue of a topic on one broker (Java's MessageQueue; its JSON form in lock bodies). */
export interface MessageQueue {
  /** The topic the queue belongs to. */
  topic: string;
  /** The broker holding the queue. */
  brokerName: string;
  /** The queue's id within its topic on that broker. */
  queueId: number;
}

/** Java's String.compareTo sign: UTF-16 code unit order, which is what JavaScript's < compares. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Java's MessageQueue.compareTo: by topic, then broker name, then queue id. Every member of a
 * consumer group must sort queues the same way before allocating them.
 */
export function compareMessageQueues(a: MessageQueue, b: MessageQueue): number {
  return compareStrings(a.topic, b.topic) || compareStrings(a.brokerName, b.brokerName) || a.queueId - b.queueId;
}

/** Whether two queues are the same queue. */
export function sameMessageQueue(a: MessageQueue, b: MessageQueue): boolean {
  return a.queueId === b.queueId && a.brokerName === b.brokerName && a.topic === b.topic;
}
