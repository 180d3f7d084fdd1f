import { RemotingCommandError } from "../errors.ts";
import { readInt16, readInt32 } from "./byte-writer.ts";
import { setDecodedExtField } from "./ext-fields.ts";
import { readUtf8 } from "./utf8.ts";

/**
 * The ext fields of a ROCKETMQ header: `{ keyLength int16 | key | valueLength int32 | value }*`.
 * A received send request's are only checked when its frame is decoded and made into strings on
 * first read (see keepsExtFieldBytes and ReceivedCommand), so that a processor that reads its header
 * straight from the bytes never pays for strings.
 */

/** A malformed ROCKETMQ header. */
export function failRocketmqHeader(message: string): never {
  throw new RemotingCommandError(`ROCKETMQ header: ${message}`);
}

/**
 * Checks the entries in `b[p, end)` and, when `decode`, returns them as a string map (else null,
 * having made no string). One walk for both, so that what is refused is the same either way.
 */
export function readExtFields(b: Uint8Array, p: number, end: number, decode: boolean): Record<string, string> | null {
  const ext: Record<string, string> | null = decode ? {} : null;
  while (p < end) {
    if (end - p < 2) failRocketmqHeader(`truncated extFields entry at byte ${p}`);
    const keyLength = readInt16(b, p);
    p += 2;
    if (keyLength < 0 || keyLength > end - p) failRocketmqHeader(`extFields key length ${keyLength} exceeds the ${end - p} bytes left`);
    const keyStart = p;
    p += keyLength;
    if (end - p < 4) failRocketmqHeader(`truncated extFields value length at byte ${p}`);
    const valueLength = readInt32(b, p);
    p += 4;
    if (valueLength < 0 || valueLength > end - p) failRocketmqHeader(`extFields value length ${valueLength} exceeds the ${end - p} bytes left`);
    // A zero-length key or value is null in Java; a null entry is simply absent here.
    if (ext !== null && keyLength > 0 && valueLength > 0) setDecodedExtField(ext, readUtf8(b, keyStart, keyStart + keyLength), readUtf8(b, p, p + valueLength), keyLength);
    p += valueLength;
  }
  return ext;
}
