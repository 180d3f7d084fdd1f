/**
 * Free room in front of a received large body, so that a frame sending that body on (an echo, a
 * proxy, a broker answering with what it stored) can have its header written in place instead of
 * copying the body next to a header. A reassembly buffer holds one frame: the bytes before its body
 * (placement slack, header length, header) are dead once the frame is decoded, since header fields
 * are copies. The room is handed out once: whoever takes it owns those bytes from then on.
 */
const rooms = new WeakMap<ArrayBufferLike, { from: number; bodyStart: number }>();

/** Notes that `buffer`'s bytes from `from` up to `bodyStart` (absolute offsets in its ArrayBuffer) are free. */
export function offerHeadroom(buffer: ArrayBufferLike, from: number, bodyStart: number): void {
  rooms.set(buffer, { from, bodyStart });
}

/** Forgets any room offered in `buffer` (it is about to hold another frame). */
export function withdrawHeadroom(buffer: ArrayBufferLike): void {
  rooms.delete(buffer);
}

/**
 * The `size` bytes just before `body`, if they are free room offered for exactly this body's start:
 * the room is then taken (never handed out twice). Null otherwise.
 */
export function takeHeadroom(body: Uint8Array, size: number): Uint8Array | null {
  const room = rooms.get(body.buffer);
  if (room === undefined || room.bodyStart !== body.byteOffset || body.byteOffset - room.from < size) return null;
  rooms.delete(body.buffer);
  return new Uint8Array(body.buffer, body.byteOffset - size, size);
}
