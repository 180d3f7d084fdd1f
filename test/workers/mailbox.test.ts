import { describe, expect, test } from "bun:test";
import { createRequest } from "../../src/index.ts";
import { createMailboxMemory, Mailbox } from "../../src/workers/mailbox.ts";
import { readRequest, RecordWriter, writeRequest } from "../../src/workers/task-records.ts";
import { within } from "../helpers/harness.ts";

/**
 * Both sides of one mailbox, in this thread: what the I/O thread and the worker each map. A
 * wake-up arrives a task later, as a message would; `signals` counts them.
 */
function pair(slots = 4, slotBytes = 512): { main: Mailbox; worker: Mailbox; signals: { toWorker: number; toMain: number } } {
  const memory = createMailboxMemory(slots, slotBytes);
  const signals = { toWorker: 0, toMain: 0 };
  const main: Mailbox = new Mailbox(memory, () => (signals.toWorker++, setTimeout(() => worker.requests.queue.wakeUp())));
  const worker: Mailbox = new Mailbox(memory, () => (signals.toMain++, setTimeout(() => main.responses.queue.wakeUp())));
  return { main, worker, signals };
}

describe("mailbox", () => {
  test("a record put in a slot is taken on the other side, decoded in place", () => {
    const { main, worker } = pair();
    const writer = new RecordWriter();
    writeRequest(writer, "echo", "127.0.0.1:1", createRequest(7, { extFields: { k: "v" }, body: new Uint8Array([1, 2, 3]) }));
    expect(main.requests.put(2, writer)).toBe(true);
    const lane = worker.requests;
    const slot = lane.queue.take();
    expect(slot).toBe(2);
    expect(lane.queue.take()).toBe(-1);
    const { processorName, remoteAddress, request } = readRequest(lane.bytes, lane.start(slot), lane.end(slot));
    expect({ processorName, remoteAddress, code: request.code, extFields: request.extFields, body: [...request.body!] }).toEqual({
      processorName: "echo",
      remoteAddress: "127.0.0.1:1",
      code: 7,
      extFields: { k: "v" },
      body: [1, 2, 3],
    });
    expect(request.body!.buffer).toBe(lane.bytes.buffer); // a view into the shared slot, not a copy
  });

  test("a record larger than a slot is refused (it travels another way)", () => {
    const { main, worker } = pair(2, 256);
    const writer = new RecordWriter();
    writeRequest(writer, "echo", "a", createRequest(1, { body: new Uint8Array(300) }));
    expect(main.requests.put(0, writer)).toBe(false);
    expect(worker.requests.queue.take()).toBe(-1);
  });

  test("slot numbers come out in order, any number of times round the ring", () => {
    const { main, worker } = pair(3);
    const writer = new RecordWriter();
    writeRequest(writer, "n", "a", createRequest(1));
    const taken: number[] = [];
    for (let round = 0; round < 100; round++) {
      for (const slot of [2, 0, 1]) main.responses.put(slot, writer);
      for (let slot; (slot = worker.responses.queue.take()) !== -1; ) taken.push(slot);
    }
    expect(taken).toEqual(Array.from({ length: 100 }, () => [2, 0, 1]).flat());
  });

  test("sleep() settles when the other side puts, and returns null when something is already there", async () => {
    const { main, worker, signals } = pair();
    const writer = new RecordWriter();
    writeRequest(writer, "n", "a", createRequest(1));
    const queue = worker.requests.queue;
    const sleeping = queue.sleep();
    expect(sleeping).not.toBeNull();
    main.requests.put(1, writer);
    await within(sleeping!, 1000, "the wake-up");
    expect(queue.sleep()).toBeNull(); // slot 1 is queued: no sleeping
    expect(queue.take()).toBe(1);
    expect(signals).toEqual({ toWorker: 1, toMain: 0 });
  });

  test("a side that is awake gets no wake-up message: one per sleep, however many records", async () => {
    const { main, worker, signals } = pair(8);
    const writer = new RecordWriter();
    writeRequest(writer, "n", "a", createRequest(1));
    for (let slot = 0; slot < 4; slot++) main.requests.put(slot, writer); // the worker never slept
    expect(signals.toWorker).toBe(0);
    const queue = worker.requests.queue;
    while (queue.take() !== -1);
    const sleeping = queue.sleep();
    for (let slot = 4; slot < 8; slot++) main.requests.put(slot, writer);
    await within(sleeping!, 1000, "the wake-up");
    expect(signals.toWorker).toBe(1);
  });

  test("wakeUp() settles this side's own sleep (closing)", async () => {
    const { main } = pair();
    const sleeping = main.responses.queue.sleep();
    main.responses.queue.wakeUp();
    await within(sleeping!, 1000, "the woken sleep");
  });
});
