import { RemotingCommandError } from "../../errors.ts";
import { readInt16, readInt32, writeInt16, writeInt32 } from "../../protocol/byte-writer.ts";
import { utf8Bytes } from "../../protocol/utf8.ts";
import { decodePropertiesBytes, encodeProperties, type Properties, type PropertiesInput } from "./properties.ts";

/*
 * SEND_BATCH_MESSAGE's body (Java's MessageBatch.encode = MessageDecoder.encodeMessages; a broker
 * reads it in CommitLog's batch encoder): per message, big-endian,
 *   TOTALSIZE int32 (of this entry) | MAGICCODE int32 (0) | BODYCRC int32 (0) | FLAG int32 |
 *   BODYLEN int32 + body | PROPSLEN int16 + properties
 */

const ENTRY_OVERHEAD = 4 + 4 + 4 + 4 + 4 + 2;

/** One message of a batch, as a producer encodes it: its final properties (UNIQ_KEY included). */
export interface BatchMessageInit {
  /** The message's body. */
  body: Uint8Array;
  /** The message's flag (an application-defined int; 0 by default). */
  flag?: number;
  /** The message's properties. */
  properties: PropertiesInput;
}

/** One message of a batch as a broker reads it. */
export interface BatchEntry {
  /** The message's flag (an application-defined int). */
  flag: number;
  /** A view into the batch body. */
  body: Uint8Array;
  /** The message's properties, decoded. */
  properties: Properties;
  /** The properties as sent (a view): a broker appends the batch's own properties to these bytes. */
  propertiesBytes: Uint8Array;
}

/** The batch body of `messages` (no checks here: see checkBatch). */
export function encodeMessageBatch(messages: readonly BatchMessageInit[]): Uint8Array {
  const props = messages.map((m, i) => {
    const bytes = utf8Bytes(encodeProperties(m.properties));
    if (bytes.length > 32767) throw new RemotingCommandError(`batch message ${i}: properties of ${bytes.length} bytes exceed 32767`);
    return bytes;
  });
  let size = 0;
  messages.forEach((m, i) => (size += ENTRY_OVERHEAD + m.body.length + props[i]!.length));
  const out = new Uint8Array(size);
  let at = 0;
  messages.forEach((m, i) => {
    const p = props[i]!;
    const entrySize = ENTRY_OVERHEAD + m.body.length + p.length;
    writeInt32(out, at, entrySize);
    // MAGICCODE and BODYCRC stay 0: the broker computes the CRC itself.
    writeInt32(out, at + 12, m.flag ?? 0);
    writeInt32(out, at + 16, m.body.length);
    out.set(m.body, at + 20);
    writeInt16(out, at + 20 + m.body.length, p.length);
    out.set(p, at + 22 + m.body.length);
    at += entrySize;
  });
  return out;
}

/**
 * The messages of a batch body. Bodies and property bytes are views into `bytes`. An entry that is
 * truncated, has a negative length or whose TOTALSIZE does not match its fields is a
 * RemotingCommandError (Java's broker reads the fields in sequence and ignores TOTALSIZE).
 */
export function decodeMessageBatch(bytes: Uint8Array): BatchEntry[] {
  const entries: BatchEntry[] = [];
  const end = bytes.length;
  const view = (start: number, length: number): Uint8Array => new Uint8Array(bytes.buffer, bytes.byteOffset + start, length);
  let at = 0;
  while (at < end) {
    const fail = (why: string): RemotingCommandError => new RemotingCommandError(`batch message ${entries.length} (at byte ${at} of ${end}): ${why}`);
    if (at + 20 > end) throw fail("truncated in the fixed fields");
    const totalSize = readInt32(bytes, at);
    const flag = readInt32(bytes, at + 12);
    const bodyLength = readInt32(bytes, at + 16);
    if (bodyLength < 0) throw fail(`BODYLEN ${bodyLength} is negative`);
    const bodyAt = at + 20;
    if (bodyAt + bodyLength + 2 > end) throw fail(`truncated in the body of ${bodyLength} bytes`);
    const propertiesLength = readInt16(bytes, bodyAt + bodyLength);
    if (propertiesLength < 0) throw fail(`PROPSLEN ${propertiesLength} is negative`);
    const propertiesAt = bodyAt + bodyLength + 2;
    if (propertiesAt + propertiesLength > end) throw fail(`truncated in the properties of ${propertiesLength} bytes`);
    const size = ENTRY_OVERHEAD + bodyLength + propertiesLength;
    if (totalSize !== size) throw fail(`TOTALSIZE says ${totalSize} bytes but the fields take ${size}`);
    entries.push({
      flag,
      body: view(bodyAt, bodyLength),
      properties: decodePropertiesBytes(bytes, propertiesAt, propertiesAt + propertiesLength),
      propertiesBytes: view(propertiesAt, propertiesLength),
    });
    at += size;
  }
  return entries;
}
