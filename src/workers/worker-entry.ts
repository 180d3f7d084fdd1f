/**
 * An executor worker: loads the group's module and runs its processors for the requests the I/O
 * thread puts in the mailbox, answering through the mailbox (or a transferred buffer for records
 * larger than a slot). Started by ExecutorWorker; never imported by the library itself.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { describeResult, isCommand, isThenable } from "../core/inbound/processor-result.ts";
import { Mailbox } from "./mailbox.ts";
import { ProcessorTable, RequestContext, type ProcessorEntry } from "./processor-table.ts";
import { readRequest, RecordWriter, writeFailure, writeResponse, type FailureRecord } from "./task-records.ts";
import { failedMessage, WAKE, type ExecutorWorkerInit, type FromExecutorWorker, type ToExecutorWorker } from "./worker-messages.ts";
import { Waker } from "./waker.ts";

const init = workerData as ExecutorWorkerInit;
const port = parentPort!;
const mailbox = new Mailbox(init.mailbox, () => port.postMessage(WAKE));
const writer = new RecordWriter();

function post(message: FromExecutorWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

let processors: ProcessorTable;
const waker = new Waker(mailbox.responses.queue);

function failureOf(error: unknown): FailureRecord {
  if (!(error instanceof Error)) return { name: "", message: typeof error === "string" ? error : String(error), stack: null, responseCode: null };
  // Duck-typed: the module may have its own copy of the library's error classes.
  const abort = (error as { code?: unknown }).code === "ERR_REMOTING_ABORT_PROCESS" ? (error as { responseCode?: unknown }).responseCode : null;
  return { name: error.name, message: error.message, stack: error.stack ?? null, responseCode: typeof abort === "number" ? abort : null };
}

/**
 * Sends the record in `writer` for `slot`: through the mailbox, or transferred if it is too large.
 * `queued`: answered while working through queued requests, so the wake-up may wait (Waker).
 */
function deliver(slot: number, queued: boolean): void {
  if (mailbox.responses.put(slot, writer, !queued)) {
    if (queued) waker.published();
    return;
  }
  const record = writer.toArrayBuffer();
  post({ type: "response", slot, record }, [record]);
}

function fail(slot: number, error: unknown, queued: boolean): void {
  writeFailure(writer, failureOf(error));
  deliver(slot, queued);
}

/** The processor's result, as on the I/O thread: a command is the answer, null or undefined none, anything else an error answer. */
function answer(slot: number, processorName: string, result: unknown, queued: boolean): void {
  if (result === undefined || result === null) {
    writeResponse(writer, null);
    deliver(slot, queued);
    return;
  }
  if (!isCommand(result)) {
    fail(slot, new TypeError(`worker processor "${processorName}" returned ${describeResult(result)}; expected a RemotingCommand, null or undefined`), queued);
    return;
  }
  try {
    writeResponse(writer, result);
  } catch (error) {
    fail(slot, error, queued);
    return;
  }
  deliver(slot, queued);
}

/**
 * Runs the request in `b[start, end)`. Its body is a view into `b` (a mailbox slot), valid until
 * the processor's answer is delivered: the I/O thread reuses the slot after that. `queued`: taken
 * from the mailbox in a run of requests (the answers of async processors, which come later, and of
 * transferred requests wake the I/O thread at once).
 */
function handle(slot: number, b: Uint8Array, start: number, end: number, queued: boolean): void {
  let name = "?";
  let result: unknown;
  let entry: ProcessorEntry;
  let started: number;
  try {
    const record = readRequest(b, start, end);
    name = record.processorName;
    entry = processors.get(name);
    started = performance.now();
    if (queued) waker.beforeRun(started, entry.averageMs);
    result = entry.run(new RequestContext(record.remoteAddress, name, init.workerIndex), record.request);
  } catch (error) {
    fail(slot, error, queued);
    return;
  }
  if (isThenable(result)) {
    const processorName = name;
    try {
      result.then(
        (response) => answer(slot, processorName, response, false),
        (error: unknown) => fail(slot, error, false),
      );
    } catch (error) {
      fail(slot, error, false); // a thenable whose then() throws
    }
    return;
  }
  ProcessorTable.ran(entry, performance.now() - started);
  answer(slot, name, result, queued);
}

async function serve(): Promise<void> {
  const lane = mailbox.requests;
  const queue = lane.queue;
  for (;;) {
    let slot: number;
    while ((slot = queue.take()) !== -1) handle(slot, lane.bytes, lane.start(slot), lane.end(slot), true);
    waker.wake();
    const wait = queue.sleep();
    if (wait !== null) await wait;
  }
}

// Listening on the port also keeps this thread alive while it waits on the mailbox.
port.on("message", (message: ToExecutorWorker) => {
  if (message.type === "wake") mailbox.requests.queue.wakeUp();
  else handle(message.slot, new Uint8Array(message.record), 0, message.record.byteLength, false);
});

// Linux schedules threads alone: with pid 0 this concerns this thread only (elsewhere, the process).
if (init.niceness !== 0 && process.platform === "linux") {
  try {
    setPriority(init.niceness);
  } catch {
    // not permitted (the process already runs nicer): the thread keeps the process's priority
  }
}

try {
  processors = new ProcessorTable((await import(init.module)) as Record<string, unknown>, init.module);
} catch (error) {
  post(failedMessage(error));
  process.exit(1);
}
post({ type: "ready", processors: processors.names() });
void serve();
