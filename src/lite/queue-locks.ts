import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { encodeLockBatchResponseBody, parseLockBatchRequestBody } from "../rocketmq/consumer-bodies.ts";
import type { MessageQueue } from "../rocketmq/message-queue.ts";
import { answer } from "./answer.ts";

/** How long a lock lives without being renewed (Java's rocketmq.broker.rebalance.lockMaxLiveTime). */
const LOCK_MAX_LIVE_MS = 60_000;
/** Locks held at most, over every group: past it, expired ones are dropped and new ones refused. */
const MAX_LOCKS = 65_536;

interface LockEntry {
  clientId: string;
  renewedAt: number;
}

function queueKey(q: MessageQueue): string {
  return `${q.topic}\u0000${q.brokerName}\u0000${q.queueId}`;
}

/**
 * The queue locks orderly consumers take before they consume a queue (Java's
 * RebalanceLockManager): per group and queue, held by one client until it unlocks or stops
 * renewing for a minute, when another client may take it.
 */
export class QueueLocks {
  readonly #groups = new Map<string, Map<string, LockEntry>>();
  #count = 0;

  constructor(private readonly now: () => number) {}

  /** Locks what it can of `queues` for `clientId` (renewing what it holds already); returns the queues it holds now. */
  tryLockBatch(group: string, queues: readonly MessageQueue[], clientId: string): MessageQueue[] {
    const now = this.now();
    let locks = this.#groups.get(group);
    const held: MessageQueue[] = [];
    const seen = new Set<string>(); // Java's is a Set of queues
    let swept = false; // at the cap, expired locks are looked for once per request, not once per queue
    for (const queue of queues) {
      const key = queueKey(queue);
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = locks?.get(key);
      if (entry !== undefined && entry.clientId !== clientId && now - entry.renewedAt <= LOCK_MAX_LIVE_MS) continue; // another client's, alive
      if (entry !== undefined) {
        entry.clientId = clientId; // its own, or an expired one taken over
        entry.renewedAt = now;
      } else {
        if (this.#count >= MAX_LOCKS && !swept) {
          swept = true;
          this.#dropExpired(now);
        }
        if (this.#count >= MAX_LOCKS) continue;
        if (locks === undefined) this.#groups.set(group, (locks = new Map()));
        locks.set(key, { clientId, renewedAt: now });
        this.#count++;
      }
      held.push(queue);
    }
    return held;
  }

  /** Releases those of `queues` that `clientId` holds. */
  unlockBatch(group: string, queues: readonly MessageQueue[], clientId: string): void {
    const locks = this.#groups.get(group);
    if (locks === undefined) return;
    for (const queue of queues) {
      const key = queueKey(queue);
      if (locks.get(key)?.clientId !== clientId) continue;
      locks.delete(key);
      this.#count--;
    }
    if (locks.size === 0) this.#groups.delete(group);
  }

  #dropExpired(now: number): void {
    let dropped = 0;
    for (const [group, locks] of this.#groups) {
      for (const [key, entry] of locks) {
        if (now - entry.renewedAt <= LOCK_MAX_LIVE_MS) continue;
        locks.delete(key);
        dropped++;
      }
      if (locks.size === 0) this.#groups.delete(group);
    }
    this.#count -= dropped;
  }
}

/** LOCK_BATCH_MQ (41) as Java's AdminBrokerProcessor answers it: the queues the client holds now, in the body. */
export function lockBatchMQ(request: RemotingCommand, locks: QueueLocks): RemotingCommand {
  const body = parseLockBatchRequestBody(request.body);
  const lockOKMQSet = locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
  return answer(request, ResponseCode.SUCCESS, null, { body: encodeLockBatchResponseBody({ lockOKMQSet }) });
}

/** UNLOCK_BATCH_MQ (42): the client's locks on those queues released (Java's clients send it oneway at times; then nothing is sent back). */
export function unlockBatchMQ(request: RemotingCommand, locks: QueueLocks): RemotingCommand {
  const body = parseLockBatchRequestBody(request.body);
  locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
  return answer(request, ResponseCode.SUCCESS, null);
}
