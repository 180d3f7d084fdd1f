import type { MessageQueue } from "../message-queue.ts";
import { javaStringHashCode } from "../subscription.ts";
import type { ProducerMessage } from "./producer-message.ts";

/**
 * Chooses the queue of an ordered send (Java's MessageQueueSelector): given the topic's writable
 * queues, the message (or a batch's messages) and the caller's `arg`, it returns one of the queues.
 */
export type QueueSelector = (queues: readonly MessageQueue[], message: ProducerMessage | readonly ProducerMessage[], arg: unknown) => MessageQueue;

/** Java's SelectMessageQueueByHash on a string key: |key.hashCode() % queues| , so one key always lands on one queue. */
export function selectQueueByHash(queues: readonly MessageQueue[], key: string): MessageQueue {
  return queues[Math.abs(javaStringHashCode(key) % queues.length)]!;
}
