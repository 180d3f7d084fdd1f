/**
 * How requests cross to a worker thread and back: the library's shared-memory mailbox
 * (src/workers/mailbox.ts: slots and queues in shared memory, a wake-up message only to a side
 * that sleeps) against ArrayBuffers transferred with postMessage (one per event-loop turn and
 * direction, so both batch). Both encode and decode the
 * same records (a SEND_MESSAGE_V2-like request with a 64-byte body, an echo response) with the
 * library's codec; the workers echo. In one process, no sockets.
 *   bun bench/worker-hop.bench.ts            (the README's figures: taskset -c 0,1, quiet machine)
 */
import { bench, group, run, summary } from "mitata";
import { Worker } from "node:worker_threads";
import { createRequest } from "../src/index.ts";
import { createMailboxMemory, Mailbox } from "../src/workers/mailbox.ts";
import { readResponseCommand, RecordWriter, writeRequest } from "../src/workers/task-records.ts";
import { forEachRecord, TransferBatch } from "./hop/transfer-batch.ts";

const SLOTS = 64;
const request = createRequest(310, {
  extFields: { a: "please_rename_unique_group_name", b: "TopicTest", c: "TBW102", d: "4", e: "3" },
  body: new Uint8Array(64).fill(7),
  serializeType: "ROCKETMQ",
});

interface Hop {
  /**
   * Sends `total` requests keeping `window` in flight (a new one as each answer arrives); resolves
   * when all are answered. window === total is a burst: all sent at once.
   */
  stream(window: number, total: number): Promise<void>;
  close(): Promise<unknown>;
}

/** The bookkeeping both hops share: what is left to send and to answer. */
class Flow {
  private sent = 0;
  private answered = 0;
  private total = 0;
  private done: (() => void) | null = null;

  constructor(private readonly send: () => void) {}

  start(window: number, total: number): Promise<void> {
    this.sent = 0;
    this.answered = 0;
    this.total = total;
    const finished = new Promise<void>((resolve) => (this.done = resolve));
    while (this.sent < window) this.sendOne();
    return finished;
  }

  onAnswer(): void {
    if (++this.answered === this.total) this.done!();
    else if (this.sent < this.total) this.sendOne();
  }

  private sendOne(): void {
    this.sent++;
    this.send();
  }
}

function mailboxHop(): Hop {
  const memory = createMailboxMemory(SLOTS, 16 * 1024);
  const mailbox = new Mailbox(memory, () => thread.postMessage(0));
  const writer = new RecordWriter();
  const thread = new Worker(new URL("./hop/mailbox-worker.ts", import.meta.url), { workerData: memory });
  thread.on("message", () => mailbox.responses.queue.wakeUp()); // the only message: a wake-up
  const free = Array.from({ length: SLOTS }, (_, slot) => slot);
  const flow = new Flow(() => {
    const slot = free.pop()!;
    writeRequest(writer, "echo", "127.0.0.1:10911", request);
    mailbox.requests.put(slot, writer);
  });
  const responses = mailbox.responses;
  let closed = false;
  void (async () => {
    while (!closed) {
      let slot: number;
      while ((slot = responses.queue.take()) !== -1) {
        if (readResponseCommand(responses.bytes, responses.start(slot), responses.end(slot)).code !== 0) throw new Error("bad echo");
        free.push(slot);
        flow.onAnswer();
      }
      const wait = responses.queue.sleep();
      if (wait !== null) await wait;
    }
  })();
  return {
    stream: (window, total) => flow.start(window, total),
    close() {
      closed = true;
      responses.queue.wakeUp();
      return thread.terminate();
    },
  };
}

function transferHop(): Hop {
  const writer = new RecordWriter();
  const batch = new TransferBatch();
  const thread = new Worker(new URL("./hop/transfer-worker.ts", import.meta.url));
  const flush = (): void => {
    const taken = batch.take();
    thread.postMessage(taken, [taken.buffer]);
  };
  let id = 0;
  const flow = new Flow(() => {
    writeRequest(writer, "echo", "127.0.0.1:10911", request);
    if (batch.add(id++, writer)) queueMicrotask(flush);
  });
  thread.on("message", (reply: { buffer: ArrayBuffer; length: number }) =>
    forEachRecord(reply, (_id, b, start, end) => {
      if (readResponseCommand(b, start, end).code !== 0) throw new Error("bad echo");
      flow.onAnswer();
    }),
  );
  return {
    stream: (window, total) => flow.start(window, total),
    close: () => thread.terminate(),
  };
}

const hops = { "SAB mailbox": mailboxHop(), "transferred ArrayBuffer": transferHop() };
await new Promise((resolve) => setTimeout(resolve, 200)); // both workers up

/** [label, window, total]: bursts (all at once, wait for all), and steady streams (a new request per answer). */
const patterns: [string, number, number][] = [
  ["1 at a time", 1, 1],
  ["bursts of 64", 64, 64],
  ["stream, 8 in flight", 8, 4096],
  ["stream, 64 in flight", 64, 4096],
];

for (const [label, window, total] of patterns) {
  summary(() => {
    group(label, () => {
      for (const [name, hop] of Object.entries(hops)) bench(name, () => hop.stream(window, total));
    });
  });
}

const result = await run();
console.log("\nper message (time per iteration / messages per iteration):");
for (const [index, trial] of result.benchmarks.entries()) {
  const [label, , total] = patterns[Math.floor(index / 2)]!;
  const avg = trial.runs[0]!.stats!.avg;
  console.log(`  ${label.padEnd(22)} ${trial.alias.padEnd(24)} ${(avg / total / 1000).toFixed(2).padStart(6)} µs/msg  ${((total / avg) * 1e3).toFixed(2)} M msgs/s`);
}
await Promise.all(Object.values(hops).map((hop) => hop.close()));
