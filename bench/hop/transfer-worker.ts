/** The hop bench's transfer side: echoes each batch back as one transferred batch. */
import { parentPort } from "node:worker_threads";
import { RecordWriter } from "../../src/workers/task-records.ts";
import { echoRecord } from "./echo.ts";
import { forEachRecord, TransferBatch } from "./transfer-batch.ts";

const writer = new RecordWriter();
const out = new TransferBatch();
parentPort!.on("message", (batch: { buffer: ArrayBuffer; length: number }) => {
  forEachRecord(batch, (id, b, start, end) => {
    echoRecord(writer, b, start, end);
    out.add(id, writer);
  });
  const reply = out.take();
  parentPort!.postMessage(reply, [reply.buffer]);
});
