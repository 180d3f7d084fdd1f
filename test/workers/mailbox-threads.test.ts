import { expect, test } from "bun:test";
import { Worker } from "node:worker_threads";
import { createMailboxMemory, Mailbox, type SlotRecord } from "../../src/workers/mailbox.ts";
import { within } from "../helpers/harness.ts";

const SLOTS = 64;
const RUN_MS = 1500;

// Two threads passing bursts through one mailbox, so that both sides go to sleep and are woken
// hundreds of thousands of times: a wake-up lost once leaves a burst unanswered. (Under Bun 1.4 a
// notified Atomics.waitAsync promise sometimes never resolved: about one burst in 450 000 stalled.)
test("bursts through a mailbox between two threads: every record comes back, no side sleeps through a wake-up", async () => {
  const memory = createMailboxMemory(SLOTS, 256);
  const thread = new Worker(new URL("./fixtures/slot-echo-worker.ts", import.meta.url), { workerData: memory });
  const mailbox = new Mailbox(memory, () => thread.postMessage("wake"));
  thread.on("message", () => mailbox.responses.queue.wakeUp());
  const { requests, responses } = mailbox;
  let stopped = false;
  let answered = 0;
  let wrong = 0;
  let burstDone: () => void = () => {};
  const receiving = (async () => {
    while (!stopped) {
      let slot: number;
      while ((slot = responses.queue.take()) !== -1) {
        if (responses.bytes[responses.start(slot)] !== (slot & 0xff) || responses.end(slot) - responses.start(slot) !== 8 + slot) wrong++;
        if (++answered % SLOTS === 0) burstDone();
      }
      const sleeping = responses.queue.sleep();
      if (sleeping !== null) await sleeping;
    }
  })();
  const record = { length: 0, copyTo: (dst: Uint8Array, pos: number) => dst.fill(record.length - 8, pos, pos + record.length) };
  let bursts = 0;
  try {
    for (const until = performance.now() + RUN_MS; performance.now() < until; bursts++) {
      const done = new Promise<void>((resolve) => (burstDone = resolve));
      for (let slot = 0; slot < SLOTS; slot++) {
        record.length = 8 + slot;
        requests.put(slot, record satisfies SlotRecord);
      }
      await within(done, 5000, `burst ${bursts} (${answered % SLOTS} of ${SLOTS} answered)`);
    }
  } finally {
    stopped = true;
    responses.queue.wakeUp();
    await receiving;
    await thread.terminate();
  }
  expect(wrong).toBe(0);
  expect(answered).toBe(bursts * SLOTS);
  expect(bursts).toBeGreaterThan(1000);
});
