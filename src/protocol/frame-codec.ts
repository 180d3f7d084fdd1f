import { RemotingCommandError } from "../errors.ts";
import { ByteWriter, readInt32 } from "./byte-writer.ts";
import { wordViewOf, type ChunkView } from "./chunk-view.ts";
import { decodeJsonHeader } from "./json-header-decode.ts";
import { encodeJsonHeader } from "./json-header-encode.ts";
import { Command, HeaderFields, ReceivedCommand, type RemotingCommand } from "./remoting-command.ts";
import { refusal } from "./command-fields.ts";
import { decodeRocketmqHeader, encodeRocketmqHeader, fitsRocketmqHeader } from "./rocketmq-header.ts";
import { SERIALIZE_TYPE_BYTE } from "./serialize-type.ts";

/**
 * Frame layout (big-endian):
 *   frameLength int32 (= 4 + headerLength + bodyLength, not counting itself)
 *   serializeType byte | headerLength uint24
 *   header (JSON text or ROCKETMQ binary) | body (the rest of the frame)
 *
 * A command whose code or version does not fit the ROCKETMQ header's int16 fields (the POP codes,
 * 200050 and up) is sent with a JSON header instead: Java would silently truncate the code
 * (200050 arrives as 3442); the peer decodes each frame by its type byte, so JSON always works.
 */
export const FRAME_PREFIX_LENGTH = 4;
/** Default maximum frame size, the 4-byte prefix included, as Java's NettyDecoder. */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;
/** The most a header's 24-bit length field can say. */
export const MAX_HEADER_LENGTH = 0xffffff;

/**
 * Appends the prefix and header of `cmd` at `w.pos` (lengths back-patched) and returns the body
 * length; the caller appends the body itself, or sends it separately without a copy. A frame over
 * `maxFrameLength` (prefix included) or a header over `maxHeaderLength` is refused, leaving the
 * writer as it was: a peer with the same limits would close the connection on it.
 */
export function encodeFrameHeader(w: ByteWriter, cmd: RemotingCommand, maxFrameLength = 0x7fffffff, maxHeaderLength = MAX_HEADER_LENGTH): number {
  const start = w.pos;
  try {
    const bodyLength = writeFrameHeader(w, cmd, start, Math.min(maxHeaderLength, MAX_HEADER_LENGTH));
    const frameLength = w.pos - start + bodyLength;
    if (frameLength > maxFrameLength) {
      throw new RemotingCommandError(`frame of ${frameLength} bytes exceeds maxFrameLength ${maxFrameLength}; the peer would refuse it`);
    }
    return bodyLength;
  } catch (error) {
    w.pos = start; // never leave half a frame in a shared writer
    throw error instanceof RemotingCommandError ? error : refusal(cmd, error);
  }
}

/**
 * Commands are plain mutable objects: a field assigned after creation (`cmd.body = "x"`, `cmd.remark
 * = 5`) must fail that one send, never put a corrupt frame on a shared connection. Each field's type
 * is checked where the encoders read it anyway (see command-fields.ts), and anything that throws on
 * the way is reported as a RemotingCommandError naming a bad field.
 */
function writeFrameHeader(w: ByteWriter, cmd: RemotingCommand, start: number, maxHeaderLength: number): number {
  const { code, opaque, flag, version } = cmd;
  if ((code | 0) !== code || (opaque | 0) !== opaque || (flag | 0) !== flag || (version | 0) !== version) throw refusal(cmd);
  const body = cmd.body;
  if (body != null && !(body instanceof Uint8Array)) throw refusal(cmd);
  w.ensure(8);
  w.pos = start + 8;
  const serializeType = cmd.serializeType;
  const binary = serializeType === "ROCKETMQ" && fitsRocketmqHeader(cmd);
  if (binary) encodeRocketmqHeader(w, cmd);
  else if (serializeType === "JSON" || serializeType === "ROCKETMQ") encodeJsonHeader(w, cmd);
  else throw refusal(cmd);
  const headerLength = w.pos - start - 8;
  if (headerLength > maxHeaderLength) {
    throw new RemotingCommandError(`header of ${headerLength} bytes exceeds maxHeaderLength ${maxHeaderLength}; the peer would refuse it`);
  }
  const bodyLength = body == null ? 0 : body.length;
  const frameLength = 4 + headerLength + bodyLength;
  if (frameLength > 0x7fffffff - FRAME_PREFIX_LENGTH) throw new RemotingCommandError(`frame of ${frameLength} bytes is too large`);
  w.syncView(); // both header encoders keep the view in step: this only compares
  const v = w.view;
  v.setInt32(start, frameLength);
  v.setInt32(start + 4, headerLength | ((binary ? SERIALIZE_TYPE_BYTE.ROCKETMQ : SERIALIZE_TYPE_BYTE.JSON) << 24));
  return bodyLength;
}

/** Appends the whole frame of `cmd` (prefix, header, body) at `w.pos`. */
export function encodeFrameInto(w: ByteWriter, cmd: RemotingCommand): void {
  if (encodeFrameHeader(w, cmd) > 0) w.write(cmd.body!);
}

const scratch = new ByteWriter(1024);

/** The whole frame of `cmd`, 4-byte length prefix included, in a new array owned by the caller. */
export function encodeFrame(cmd: RemotingCommand): Uint8Array {
  scratch.reset(64 * 1024);
  const bodyLength = encodeFrameHeader(scratch, cmd);
  const headLength = scratch.pos;
  const frame = new Uint8Array(headLength + bodyLength);
  frame.set(scratch.bytes.subarray(0, headLength));
  if (bodyLength > 0) frame.set(cmd.body!, headLength);
  return frame;
}

const fields = new HeaderFields();

/**
 * Frames this large are reassembled into buffers that are reused or lent as room for another
 * frame's header (frame-decoder.ts, headroom.ts), so their ext fields are decoded at once rather
 * than read from those bytes later.
 */
export const LARGE_FRAME_BYTES = 64 * 1024;

/**
 * Decodes one frame whose prefix has been read: `b[start, end)` holds the type word, header and
 * body. The body is a view into `b`; with `lazyBody` the command is a ReceivedCommand whose view is
 * made on first read (a copy, for a body no longer than `chunk.copyBodiesUpTo`). A header longer
 * than `maxHeaderLength` is refused before it is parsed. `chunk`, when given, describes `b` (see
 * ChunkView).
 */
export function decodeFrameContent(
  b: Uint8Array,
  start: number,
  end: number,
  lazyBody = false,
  maxHeaderLength = MAX_HEADER_LENGTH,
  chunk: ChunkView | null = null,
): Command | ReceivedCommand {
  const length = end - start;
  if (length < 4) throw new RemotingCommandError(`frame of ${length} bytes has no room for its 4-byte header length`);
  const type = b[start]!;
  const headerLength = (b[start + 1]! << 16) | (b[start + 2]! << 8) | b[start + 3]!;
  const headerStart = start + 4;
  const headerEnd = headerStart + headerLength;
  if (headerLength > length - 4) {
    throw new RemotingCommandError(`decode error, bad header length: ${headerLength} (frame has ${length - 4} bytes after the length word)`);
  }
  if (headerLength > maxHeaderLength) throw new RemotingCommandError(`header length ${headerLength} exceeds maxHeaderLength ${maxHeaderLength}`);
  const h = fields;
  if (type === SERIALIZE_TYPE_BYTE.ROCKETMQ) decodeRocketmqHeader(b, headerStart, headerEnd, h, lazyBody && length < LARGE_FRAME_BYTES);
  else if (type === SERIALIZE_TYPE_BYTE.JSON) {
    decodeJsonHeader(b, headerStart, headerEnd, h, chunk === null ? wordViewOf(b) : chunk.dataView());
    h.extStart = -1;
  } else throw new RemotingCommandError(`unknown serialize type ${type} (expected 0 = JSON or 1 = ROCKETMQ)`);
  const serializeType = type === SERIALIZE_TYPE_BYTE.ROCKETMQ ? "ROCKETMQ" : "JSON";
  const hasBody = headerEnd < end;
  if (lazyBody) {
    const bodyLength = end - headerEnd;
    return new ReceivedCommand(h, serializeType, hasBody || h.extStart >= 0 ? b : null, headerEnd, bodyLength, chunk !== null && bodyLength <= chunk.copyBodiesUpTo);
  }
  return new Command(h.code, h.language, h.version, h.opaque, h.flag, h.remark, h.extFields, hasBody ? b.subarray(headerEnd, end) : null, serializeType);
}

/**
 * Checks a frame's length field before anything is buffered: the frame (prefix included) must fit
 * `maxFrameLength`, and must at least hold its header-length word.
 */
export function checkFrameLength(frameLength: number, maxFrameLength: number): void {
  if (frameLength < 4) {
    throw new RemotingCommandError(
      frameLength < 0 ? `negative frame length ${frameLength}` : `frame length ${frameLength} is shorter than the 4-byte header length`,
    );
  }
  if (frameLength > maxFrameLength - FRAME_PREFIX_LENGTH) {
    throw new RemotingCommandError(
      `Adjusted frame length exceeds ${maxFrameLength}: ${frameLength + FRAME_PREFIX_LENGTH}` +
        describeProbe(frameLength),
    );
  }
}

/** Names the usual culprits when the "length" is really ASCII text from the wrong kind of client. */
function describeProbe(frameLength: number): string {
  const text = String.fromCharCode(frameLength >>> 24, (frameLength >>> 16) & 0xff, (frameLength >>> 8) & 0xff, frameLength & 0xff);
  if (text === "PRI ") return " (an HTTP/2 or gRPC client is talking to this port)";
  if (/^(GET |POST|PUT |HEAD)/.test(text)) return " (an HTTP client is talking to this port)";
  if ((frameLength >>> 24) === 0x16) return " (a TLS handshake reached a plaintext port)";
  return "";
}

/** Decodes one whole frame, 4-byte prefix included. The body is a view into `frame`. */
export function decodeFrame(frame: Uint8Array, maxFrameLength = DEFAULT_MAX_FRAME_LENGTH): RemotingCommand {
  if (frame.length < FRAME_PREFIX_LENGTH) throw new RemotingCommandError(`frame of ${frame.length} bytes is shorter than its 4-byte length prefix`);
  const frameLength = readInt32(frame, 0);
  checkFrameLength(frameLength, maxFrameLength);
  if (frameLength !== frame.length - FRAME_PREFIX_LENGTH) {
    throw new RemotingCommandError(`frame length field says ${frameLength} bytes but ${frame.length - FRAME_PREFIX_LENGTH} follow the prefix`);
  }
  return decodeFrameContent(frame, FRAME_PREFIX_LENGTH, frame.length);
}
