/** The hop bench's mailbox side: the library's shared-memory mailbox and records, echoing. */
import { parentPort, workerData } from "node:worker_threads";
import { Mailbox, type MailboxInit } from "../../src/workers/mailbox.ts";
import { RecordWriter } from "../../src/workers/task-records.ts";
import { echoRecord } from "./echo.ts";

const mailbox = new Mailbox(workerData as MailboxInit, () => parentPort!.postMessage(0));
const writer = new RecordWriter();
parentPort!.on("message", () => mailbox.requests.queue.wakeUp()); // the only message: a wake-up

const { requests, responses } = mailbox;
for (;;) {
  let slot: number;
  while ((slot = requests.queue.take()) !== -1) {
    echoRecord(writer, requests.bytes, requests.start(slot), requests.end(slot));
    responses.put(slot, writer);
  }
  const wait = requests.queue.sleep();
  if (wait !== null) await wait;
}
