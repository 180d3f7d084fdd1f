/*
 * Java's AllocateMessageQueueAveragely, the default way a consumer group shares a topic's queues:
 * consumer i of c (in sorted client-id order) gets a contiguous run of the sorted queues, the first
 * n % c consumers one queue more. Every member must run the same strategy on the same sorted lists.
 */

/**
 * The queues of `mqAll` that `currentCid` gets, exactly as Java's AllocateMessageQueueAveragely:
 * nothing when `currentCid` is not in `cidAll`. Both lists are taken as given: sort them first
 * (compareMessageQueues; client ids in string order), as Java's RebalanceImpl does. Empty lists
 * or an empty id are programming errors (TypeError), as in Java.
 */
export function allocateMessageQueueAveragely<Q>(mqAll: readonly Q[], cidAll: readonly string[], currentCid: string): Q[] {
  if (currentCid.length === 0) throw new TypeError("currentCID is empty");
  if (mqAll.length === 0) throw new TypeError("mqAll is null or mqAll empty");
  if (cidAll.length === 0) throw new TypeError("cidAll is null or cidAll empty");
  const index = cidAll.indexOf(currentCid);
  if (index < 0) return [];
  const n = mqAll.length;
  const c = cidAll.length;
  const mod = n % c;
  const averageSize = n <= c ? 1 : mod > 0 && index < mod ? Math.floor(n / c) + 1 : Math.floor(n / c);
  const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
  const range = Math.min(averageSize, n - startIndex);
  const result: Q[] = [];
  for (let i = 0; i < range; i++) result.push(mqAll[(startIndex + i) % n]!);
  return result;
}
