/** What both hop workers do with a request record: decode it, answer an echo response record. */
import { createResponse } from "../../src/index.ts";
import { readRequest, type RecordWriter, writeResponse } from "../../src/workers/task-records.ts";

export function echoRecord(writer: RecordWriter, b: Uint8Array, start: number, end: number): void {
  const { request } = readRequest(b, start, end);
  writeResponse(writer, createResponse(0, null, { extFields: request.extFields, body: request.body, serializeType: request.serializeType }));
}
