import { allocUninitialized } from "../protocol/alloc.ts";
import { ByteWriter } from "../protocol/byte-writer.ts";
import { decodeFrameContent, encodeFrameHeader, FRAME_PREFIX_LENGTH } from "../protocol/frame-codec.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { maxUtf8Length, readUtf8, utf8Bytes, writeUtf8 } from "../protocol/utf8.ts";

/*
 * What crosses between the I/O thread and an executor worker, as bytes (no object graphs):
 *   request record:  u8 nameLength | processor name | u8 addressLength | remote address | frame
 *   response record: u8 kind | frame (RESPONSE) | nothing (NONE) | UTF-8 JSON of a FailureRecord (FAILURE)
 * A frame is the command exactly as on the wire (length prefix included), written by the codec.
 * The body is copied once, from wherever it lives straight into the record's destination (a
 * mailbox slot, or an ArrayBuffer transferred for records larger than a slot); decoding leaves
 * it there as a view.
 */

export const ResponseKind = { RESPONSE: 1, NONE: 2, FAILURE: 3 } as const;

/** A processor's error as the I/O thread needs it to answer like an inline processor would. */
export interface FailureRecord {
  name: string;
  message: string;
  stack: string | null;
  /** Set for RemotingAbortProcessError: the response code to answer with. */
  responseCode: number | null;
}

const MAX_SHORT_STRING = 255;

/**
 * Builds one record: the small fields and the frame header in a reusable buffer, the body kept as
 * a view until the record is copied to its destination.
 */
export class RecordWriter {
  private readonly head = new ByteWriter(1024);
  private body: Uint8Array | null = null;

  start(): void {
    this.head.reset(64 * 1024);
    this.body = null;
  }

  byte(value: number): void {
    this.head.ensure(1);
    this.head.bytes[this.head.pos++] = value;
  }

  /** A string of at most 255 UTF-8 bytes, length first; `what` names it in the error. */
  shortString(s: string, what: string): void {
    const w = this.head;
    w.ensure(1 + maxUtf8Length(s));
    const n = writeUtf8(w.bytes, w.pos + 1, s);
    if (n > MAX_SHORT_STRING) throw new RangeError(`${what} "${s.slice(0, 40)}…" is longer than ${MAX_SHORT_STRING} bytes`);
    w.bytes[w.pos] = n;
    w.pos += 1 + n;
  }

  /** The command's frame; throws RemotingCommandError if it cannot be encoded. */
  command(cmd: RemotingCommand): void {
    const bodyLength = encodeFrameHeader(this.head, cmd);
    this.body = bodyLength > 0 ? cmd.body : null;
  }

  raw(bytes: Uint8Array): void {
    this.head.write(bytes);
  }

  get length(): number {
    return this.head.pos + (this.body === null ? 0 : this.body.length);
  }

  /** Copies the record to `dst[pos]`; the caller made room for `length` bytes. */
  copyTo(dst: Uint8Array, pos: number): void {
    const head = this.head;
    dst.set(head.bytes.subarray(0, head.pos), pos);
    if (this.body !== null) dst.set(this.body, pos + head.pos);
  }

  /** The record in an ArrayBuffer of its own, to transfer (records larger than a slot). */
  toArrayBuffer(): ArrayBuffer {
    const bytes = allocUninitialized(this.length); // not pooled: its buffer is exactly the record
    this.copyTo(bytes, 0);
    return bytes.buffer as ArrayBuffer;
  }
}

export function writeRequest(w: RecordWriter, processorName: string, remoteAddress: string, request: RemotingCommand): void {
  w.start();
  w.shortString(processorName, "processor name");
  w.shortString(remoteAddress, "remote address");
  w.command(request);
}

export function writeResponse(w: RecordWriter, response: RemotingCommand | null): void {
  w.start();
  if (response === null) {
    w.byte(ResponseKind.NONE);
    return;
  }
  w.byte(ResponseKind.RESPONSE);
  w.command(response);
}

export function writeFailure(w: RecordWriter, failure: FailureRecord): void {
  w.start();
  w.byte(ResponseKind.FAILURE);
  w.raw(utf8Bytes(JSON.stringify(failure)));
}

export interface RequestRecord {
  processorName: string;
  remoteAddress: string;
  /** A ReceivedCommand: its body is a view into `b`, made on first read. */
  request: RemotingCommand;
}

/** Decodes the request record in `b[start, end)`. */
export function readRequest(b: Uint8Array, start: number, end: number): RequestRecord {
  const nameEnd = start + 1 + b[start]!;
  const processorName = readUtf8(b, start + 1, nameEnd);
  const addressEnd = nameEnd + 1 + b[nameEnd]!;
  const remoteAddress = readUtf8(b, nameEnd + 1, addressEnd);
  const request = decodeFrameContent(b, addressEnd + FRAME_PREFIX_LENGTH, end, true);
  return { processorName, remoteAddress, request };
}

/** The kind of the response record at `b[start]` (a ResponseKind). */
export function responseKind(b: Uint8Array, start: number): number {
  return b[start]!;
}

/** The response of a RESPONSE record in `b[start, end)`; its body is a view into `b`. */
export function readResponseCommand(b: Uint8Array, start: number, end: number): RemotingCommand {
  return decodeFrameContent(b, start + 1 + FRAME_PREFIX_LENGTH, end, true);
}

/** The failure of a FAILURE record in `b[start, end)`. */
export function readFailure(b: Uint8Array, start: number, end: number): FailureRecord {
  return JSON.parse(readUtf8(b, start + 1, end)) as FailureRecord;
}
