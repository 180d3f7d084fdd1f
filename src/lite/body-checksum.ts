import * as zlib from "node:zlib";
import { bodyCrc32 } from "../rocketmq/body-crc32.ts";

type Crc32 = (data: Uint8Array) => number;
// Looked up, not imported: node:zlib has crc32 in Bun and from Node 20.15 / 22.2 on.
const nativeCrc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;

/**
 * bodyCrc32, natively where the runtime has zlib's crc32: a broker checksums every body it stores,
 * and a 1 KiB one took ~590 ns in JavaScript against ~40 natively (64 B: 39 against 24), on Bun.
 */
export const storedBodyCrc32: (body: Uint8Array) => number = nativeCrc32 === undefined ? bodyCrc32 : (body) => nativeCrc32(body) & 0x7fffffff;
