import { createRequest, encodeFrame, type RemotingCommand, type SerializeType } from "../../src/index.ts";
import type { Random } from "../helpers/random.ts";

/**
 * Seeded traffic for the fuzz test: sessions (one connection each) of well-formed requests,
 * half of them ending in one hostile input (a random mutation of a frame, or synthetic garbage),
 * followed by a sentinel request that tells whether the server survived the input in sync.
 */

export const ECHO = 10;
const UNKNOWN_CODE = 4321;
/** The opaque of the sentinel request sent after a hostile input. */
export const SENTINEL = 999_999_999;

export const FUZZ_SERVER_OPTIONS = {
  maxFrameLength: 64 * 1024,
  maxHeaderLength: 8 * 1024,
  frameTimeoutMs: 1000,
  scanIntervalMs: 100,
  channelMaxIdleMs: 10_000,
};

export interface Session {
  /** The bytes to send, in order. */
  bytes: Uint8Array;
  /** Frames (inputs) in `bytes`, the hostile one and the sentinel included. */
  inputs: number;
  /** Opaque -> the response code each well-formed request must be answered with, exactly once. */
  expected: Map<number, number>;
  /** What the hostile input was, or null for a clean session. */
  hostile: string | null;
  /** The peer vanishes mid-frame after its answers came (no sentinel). */
  vanish: boolean;
  /** The connection starts with 0x16: the server takes it for TLS, and may answer with a TLS alert. */
  startsTls: boolean;
}

const LANGUAGES = ["JAVA", "GO", "CPP", "OTHER", "NODE_JS", "PYTHON"];
const KEYS = ["topic", "queueId", "consumerGroup", "a", "b", "__proto__", "k€y", "AccessKey"];

const int32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

export class SessionFactory {
  /** Random bytes that bodies are cut from (views: the content does not matter, the length does). */
  private readonly pool: Uint8Array;
  /** Random strings (JSON-special, BMP and astral characters) that values and remarks are drawn from. */
  private readonly strings: string[];

  constructor(private readonly rng: Random) {
    this.pool = rng.bytes(64 * 1024);
    this.strings = Array.from({ length: 4096 }, () => rng.string(40));
  }

  next(maxFrames: number): Session {
    const rng = this.rng;
    const expected = new Map<number, number>();
    const frames: Uint8Array[] = [];
    const valid = rng.bool(0.1) ? 0 : rng.int(1, maxFrames); // 0: the hostile input is the connection's first bytes
    for (let opaque = 1; opaque <= valid; opaque++) frames.push(this.wellFormed(opaque, expected));
    const hostile = rng.bool(0.5) ? this.hostile() : null;
    let vanish = false;
    if (hostile !== null) {
      frames.push(hostile.bytes);
      vanish = hostile.name === "a frame cut short, then the peer vanishes";
      if (!vanish) frames.push(encodeFrame(createRequest(ECHO, { opaque: SENTINEL })));
    }
    const bytes = Buffer.concat(frames);
    return { bytes, inputs: frames.length, expected, hostile: hostile?.name ?? null, vanish, startsTls: bytes[0] === 0x16 };
  }

  private serializeType(): SerializeType {
    return this.rng.bool() ? "JSON" : "ROCKETMQ";
  }

  private command(code: number, opaque: number): RemotingCommand {
    const rng = this.rng;
    const extFields: Record<string, string> = {};
    for (let i = rng.int(0, 4); i > 0; i--) extFields[rng.pick(KEYS)] = rng.pick(this.strings);
    const bodyLength = rng.bool(0.3) ? 0 : rng.int(1, 1500);
    const start = rng.int(0, this.pool.length - bodyLength);
    return createRequest(code, {
      opaque,
      extFields: Object.keys(extFields).length > 0 ? extFields : null,
      body: bodyLength === 0 ? null : this.pool.subarray(start, start + bodyLength),
      serializeType: this.serializeType(),
      language: rng.pick(LANGUAGES),
      version: rng.int(0, 500),
      remark: rng.bool(0.2) ? rng.pick(this.strings) : null,
    });
  }

  /** A request the server must answer (ECHO: 0, an unknown code: 3), or a frame it must not answer. */
  private wellFormed(opaque: number, expected: Map<number, number>): Uint8Array {
    const roll = this.rng.next();
    if (roll < 0.8) {
      expected.set(opaque, 0);
      return encodeFrame(this.command(ECHO, opaque));
    }
    if (roll < 0.9) {
      expected.set(opaque, 3);
      return encodeFrame(this.command(UNKNOWN_CODE, opaque));
    }
    const silent = this.command(ECHO, opaque);
    silent.flag = roll < 0.95 ? 2 : 1; // oneway: never answered; or a stray response: dropped
    return encodeFrame(silent);
  }

  /** One input that is not the protocol, or a frame with random damage (which may happen to still decode). */
  private hostile(): { name: string; bytes: Uint8Array } {
    const rng = this.rng;
    const frame = (): Uint8Array => encodeFrame(this.command(ECHO, 500_000_000 + rng.int(0, 1_000_000))).slice();
    const kinds: [string, () => Uint8Array][] = [
      ["random bytes", () => rng.bytes(rng.int(1, 600))],
      ["random bit flips in a frame", () => {
        const f = frame();
        for (let i = rng.int(1, 4); i > 0; i--) f[rng.int(0, f.length - 1)]! ^= 1 << rng.int(0, 7);
        return f;
      }],
      ["random bytes in a header", () => {
        const f = frame();
        const headerLength = (f[5]! << 16) | (f[6]! << 8) | f[7]!;
        for (let i = rng.int(1, 3); i > 0; i--) f[8 + rng.int(0, Math.max(0, headerLength - 1))] = rng.int(0, 255);
        return f;
      }],
      ["a frame length over maxFrameLength", () => new Uint8Array([...int32(FUZZ_SERVER_OPTIONS.maxFrameLength + rng.int(0, 1 << 20)), ...rng.bytes(8)])],
      ["a negative frame length", () => new Uint8Array([...int32(0x80000000 | rng.int(0, 1 << 30)), ...rng.bytes(8)])],
      ["a frame length below 4", () => new Uint8Array([...int32(rng.int(0, 3)), ...rng.bytes(8)])],
      ["a header length beyond the frame", () => {
        const f = frame();
        f[5] = 0x7f;
        return f;
      }],
      ["a header over maxHeaderLength", () => {
        const header = new Uint8Array(FUZZ_SERVER_OPTIONS.maxHeaderLength + rng.int(1, 4000)).fill(0x20);
        return new Uint8Array([...int32(4 + header.length), 0, ...int32(header.length).slice(1), ...header]);
      }],
      ["an unknown serialize type", () => {
        const f = frame();
        f[4] = rng.int(2, 255);
        return f;
      }],
      ["a truncated ROCKETMQ header", () => {
        const cmd = this.command(ECHO, 1);
        cmd.serializeType = "ROCKETMQ";
        const f = encodeFrame(cmd).slice();
        const headerLength = (f[5]! << 16) | (f[6]! << 8) | f[7]!;
        const cut = rng.int(0, headerLength - 1);
        const out = new Uint8Array([...int32(4 + cut), 1, ...int32(cut).slice(1), ...f.subarray(8, 8 + cut)]);
        return out;
      }],
      ["an HTTP request", () => new TextEncoder().encode(`GET /${rng.string(10)} HTTP/1.1\r\nHost: x\r\n\r\n`)],
      ["a TLS record of random bytes", () => new Uint8Array([0x16, 0x03, rng.int(0, 4), 0x00, 0xc8, ...rng.bytes(rng.int(0, 300))])],
      ["a frame cut short, then the peer vanishes", () => frame().subarray(0, rng.int(1, 30))],
    ];
    const [name, make] = rng.pick(kinds);
    return { name, bytes: make() };
  }
}
