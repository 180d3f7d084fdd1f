/**
 * The alternative the hop bench measures the mailbox against: records gathered during one
 * event-loop turn into one ArrayBuffer ([u32 length][u32 id][record]...), transferred with
 * postMessage, answered the same way.
 */
import type { RecordWriter } from "../../src/workers/task-records.ts";

export class TransferBatch {
  private bytes: Uint8Array | null = null;
  private view: DataView | null = null;
  private length = 0;

  /** Appends the record in `writer` under `id`; true when this started a new batch (schedule a flush). */
  add(id: number, writer: RecordWriter): boolean {
    const started = this.bytes === null;
    const need = this.length + 8 + writer.length;
    if (this.bytes === null || need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(16 * 1024, need * 2));
      if (this.bytes !== null) grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.view!.setUint32(this.length, writer.length);
    this.view!.setUint32(this.length + 4, id);
    writer.copyTo(this.bytes, this.length + 8);
    this.length = need;
    return started;
  }

  /** The batch, handed over (its buffer is to be transferred); the next add() starts a new one. */
  take(): { buffer: ArrayBuffer; length: number } {
    const batch = { buffer: this.bytes!.buffer as ArrayBuffer, length: this.length };
    this.bytes = null;
    this.view = null;
    this.length = 0;
    return batch;
  }
}

/** Calls `each(id, bytes, start, end)` for every record of a received batch. */
export function forEachRecord(batch: { buffer: ArrayBuffer; length: number }, each: (id: number, b: Uint8Array, start: number, end: number) => void): void {
  const bytes = new Uint8Array(batch.buffer);
  const view = new DataView(batch.buffer);
  for (let p = 0; p < batch.length; ) {
    const length = view.getUint32(p);
    each(view.getUint32(p + 4), bytes, p + 8, p + 8 + length);
    p += 8 + length;
  }
}
