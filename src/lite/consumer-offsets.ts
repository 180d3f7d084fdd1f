/**
 * The offsets consumer groups committed, per queue (Java's ConsumerOffsetManager, in memory):
 * stored as given, a lower one included (Java only warns).
 */
export class ConsumerOffsets {
  /** "topic@group" -> queueId -> offset, as Java keys them. */
  readonly #table = new Map<string, Map<number, number>>();

  commit(group: string, topic: string, queueId: number, offset: number): void {
    const key = `${topic}@${group}`;
    let queues = this.#table.get(key);
    if (queues === undefined) this.#table.set(key, (queues = new Map()));
    queues.set(queueId, offset);
  }

  /** The committed offset, or undefined when the group never committed one for the queue. */
  query(group: string, topic: string, queueId: number): number | undefined {
    return this.#table.get(`${topic}@${group}`)?.get(queueId);
  }
}
