/**
 * An executor worker: loads the group's module and runs its processors for the requests the I/O
 * thread puts in the mailbox, answering through the mailbox (or a transferred buffer for records
 * larger than a slot). Started by ExecutorWorker; never imported by the library itself.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { Mailbox } from "./mailbox.ts";
import { readRequest, RecordWriter, writeFailure, writeResponse, type FailureRecord } from "./task-records.ts";
import type { ExecutorWorkerInit, FromExecutorWorker, ToExecutorWorker } from "./worker-messages.ts";
import type { WorkerProcessorContext, WorkerProcessorFunction } from "./worker-processor.ts";

const init = workerData as ExecutorWorkerInit;
const port = parentPort!;
const mailbox = new Mailbox(init.mailbox);
const writer = new RecordWriter();

function post(message: FromExecutorWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

class RequestContext implements WorkerProcessorContext {
  constructor(
    readonly remoteAddress: string,
    readonly processorName: string,
  ) {}

  get workerIndex(): number {
    return init.workerIndex;
  }
}

/** The module's processors by export name, looked up once each. */
class ProcessorTable {
  private readonly resolved = new Map<string, WorkerProcessorFunction>();

  constructor(private readonly exports: Record<string, unknown>) {}

  get(name: string): WorkerProcessorFunction {
    let processor = this.resolved.get(name);
    if (processor === undefined) {
      processor = this.resolve(name);
      this.resolved.set(name, processor);
    }
    return processor;
  }

  private resolve(name: string): WorkerProcessorFunction {
    const value = this.exports[name];
    if (typeof value === "function") return value as WorkerProcessorFunction;
    if (typeof value === "object" && value !== null && typeof (value as { processRequest?: unknown }).processRequest === "function") {
      const object = value as { processRequest: WorkerProcessorFunction };
      return (ctx, request) => object.processRequest(ctx, request);
    }
    const names = Object.keys(this.exports).join(", ") || "nothing";
    throw new TypeError(`module ${init.module} exports no processor named "${name}" (it exports ${names})`);
  }
}

let processors: ProcessorTable;

function failureOf(error: unknown): FailureRecord {
  if (!(error instanceof Error)) return { name: "", message: typeof error === "string" ? error : String(error), stack: null, responseCode: null };
  // Duck-typed: the module may have its own copy of the library's error classes.
  const abort = (error as { code?: unknown }).code === "ERR_REMOTING_ABORT_PROCESS" ? (error as { responseCode?: unknown }).responseCode : null;
  return { name: error.name, message: error.message, stack: error.stack ?? null, responseCode: typeof abort === "number" ? abort : null };
}

/** Sends the record in `writer` for `slot`: through the mailbox, or transferred if it is too large. */
function deliver(slot: number): void {
  if (mailbox.responses.put(slot, writer)) return;
  const record = writer.toArrayBuffer();
  post({ type: "response", slot, record }, [record]);
}

function fail(slot: number, error: unknown): void {
  writeFailure(writer, failureOf(error));
  deliver(slot);
}

function answer(slot: number, processorName: string, response: RemotingCommand | null | undefined): void {
  if (response === undefined || (response !== null && typeof response.code !== "number")) {
    fail(slot, new TypeError(`processor "${processorName}" returned ${response === undefined ? "undefined" : typeof response}; return a RemotingCommand, or null for no response`));
    return;
  }
  try {
    writeResponse(writer, response);
  } catch (error) {
    fail(slot, error);
    return;
  }
  deliver(slot);
}

function isPromise(value: unknown): value is Promise<RemotingCommand | null> {
  return value !== null && typeof value === "object" && typeof (value as Promise<unknown>).then === "function";
}

/**
 * Runs the request in `b[start, end)`. Its body is a view into `b` (a mailbox slot), valid until
 * the processor's answer is delivered: the I/O thread reuses the slot after that.
 */
function handle(slot: number, b: Uint8Array, start: number, end: number): void {
  let name = "?";
  let result: unknown;
  try {
    const record = readRequest(b, start, end);
    name = record.processorName;
    result = processors.get(name)(new RequestContext(record.remoteAddress, name), record.request);
  } catch (error) {
    fail(slot, error);
    return;
  }
  if (isPromise(result)) {
    const processorName = name;
    result.then(
      (response) => answer(slot, processorName, response),
      (error: unknown) => fail(slot, error),
    );
  } else answer(slot, name, result as RemotingCommand | null | undefined);
}

async function serve(): Promise<void> {
  const lane = mailbox.requests;
  const queue = lane.queue;
  for (;;) {
    let slot: number;
    while ((slot = queue.take()) !== -1) handle(slot, lane.bytes, lane.start(slot), lane.end(slot));
    const wait = queue.sleep();
    if (wait !== null) await wait;
  }
}

// Listening on the port also keeps this thread alive while it waits on the mailbox.
port.on("message", (message: ToExecutorWorker) => {
  if (message.type === "request") handle(message.slot, new Uint8Array(message.record), 0, message.record.byteLength);
});

try {
  processors = new ProcessorTable((await import(init.module)) as Record<string, unknown>);
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: "failed", message: e.message, stack: e.stack ?? null });
  process.exit(1);
}
post({ type: "ready" });
void serve();
