import { Random } from "./random.ts";

/** Frames made by hand, for feeding peers bytes that no encoder would write. */

/** The big-endian bytes of an int32. */
export const int32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** A frame with correct lengths around any header bytes (and body); type 0 = JSON, 1 = ROCKETMQ. */
export function rawFrame(type: number, header: Uint8Array, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(8 + header.length + body.length);
  out.set(int32(4 + header.length + body.length), 0);
  out.set(int32(header.length), 4);
  out[4] = type;
  out.set(header, 8);
  out.set(body, 8 + header.length);
  return out;
}

/** A JSON frame around an arbitrary header text. */
export function jsonFrame(headerText: string): Uint8Array {
  return rawFrame(0, new TextEncoder().encode(headerText));
}

/** Byte streams a remoting peer must refuse by closing the connection, never answering. */
export const hostileInputs: [string, Uint8Array][] = [
  ["random garbage", new Random(42).bytes(2000)],
  ["an HTTP request", new TextEncoder().encode("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")],
  ["an HTTP/2 (gRPC) preface", new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")],
  ["a TLS ClientHello", new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, ...new Random(1).bytes(40)])],
  ["a frame length over 16 MiB - 4", new Uint8Array([...int32(16_777_213), 0, 0, 0, 0])],
  ["a negative frame length", new Uint8Array([...int32(0x80000000), 0, 0, 0, 0])],
  ["a frame length below 4", new Uint8Array([...int32(2), 0, 0, 1, 2, 3, 4])],
  ["serialize type byte 2", new Uint8Array([...int32(6), 2, 0, 0, 2, 0x7b, 0x7d])],
  ["a header length beyond the frame", new Uint8Array([...int32(8), 0, 0, 0, 200, 0x7b, 0x7d, 0x20, 0x20])],
  ["invalid JSON in the header", jsonFrame('{"code":10,"flag":0,"language":"JAVA","opaque":1,')],
  ["a truncated ROCKETMQ header", new Uint8Array([...int32(8), 1, 0, 0, 4, 0, 10, 0, 1])],
];
