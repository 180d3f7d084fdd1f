import { describe, expect, test } from "bun:test";
import {
  encodeProxyHeaderV1,
  encodeProxyHeaderV2,
  encodeProxySslValue,
  PROXY_V2_SIGNATURE,
  ProxyTlvType,
  type ProxyEndpoint,
  type ProxyHeaderInit,
  type ProxyTlvInit,
} from "../../src/index.ts";
import { formatIPv6, parseIPv6 } from "../../src/protocol/proxy/ip-address.ts";
import { ascii, parseChunks, splitAt } from "../helpers/proxy-headers.ts";
import { Random } from "../helpers/random.ts";
import { positiveVectors, toHex } from "../helpers/vectors.ts";

/*
 * A header may arrive cut anywhere. Whatever the cuts, the parser must decide the same: the same
 * header and the same bytes left for the next protocol, or the same error at the same byte.
 */

const frame = positiveVectors[0]!.frame; // what follows the header: the first RocketMQ frame
const withFrame = (header: Uint8Array): Uint8Array => Uint8Array.from([...header, ...frame]);

const headers: [string, Uint8Array][] = [
  ["v1 TCP4", encodeProxyHeaderV1({ family: "TCP4", source: { address: "192.0.2.1", port: 51234 }, destination: { address: "198.51.100.7", port: 9876 } })],
  ["v1 TCP6", encodeProxyHeaderV1({ family: "TCP6", source: { address: "2001:db8::1", port: 1 }, destination: { address: "2001:db8:0:1::2", port: 10911 } })],
  ["v1 UNKNOWN", ascii("PROXY UNKNOWN\r\n")],
  ["v1 UNKNOWN with addresses", ascii("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n")],
  ["v2 TCP4", encodeProxyHeaderV2({ family: "TCP4", source: { address: "10.0.0.1", port: 40000 }, destination: { address: "10.0.0.2", port: 10911 } })],
  [
    "v2 TCP6 with TLVs and CRC32C",
    encodeProxyHeaderV2({
      family: "TCP6",
      source: { address: "2001:db8::1", port: 40000 },
      destination: { address: "::ffff:10.0.0.2", port: 9876 },
      tlvs: [
        { type: ProxyTlvType.ALPN, value: ascii("remoting") },
        { type: ProxyTlvType.SSL, value: encodeProxySslValue(7, 0, [{ type: ProxyTlvType.SSL_VERSION, value: ascii("TLSv1.3") }]) },
        { type: ProxyTlvType.NOOP, value: new Uint8Array(3) },
      ],
      crc32c: true,
    }),
  ],
  ["v2 UNIX", encodeProxyHeaderV2({ family: "UNIX", source: { address: "/run/a.sock", port: 0 }, destination: { address: "/run/b.sock", port: 0 } })],
  ["v2 UNSPEC", encodeProxyHeaderV2({ family: "UNSPEC", tlvs: [{ type: ProxyTlvType.UNIQUE_ID, value: ascii("abc") }] })],
  ["v2 LOCAL", encodeProxyHeaderV2({ command: "LOCAL", family: "UNSPEC" })],
];

describe("a header cut at every point", () => {
  for (const [name, header] of headers) {
    test(`${name}: every two-piece split, and one byte at a time`, () => {
      const stream = withFrame(header);
      const whole = parseChunks([stream]);
      expect(whole.state).toBe("complete");
      expect(whole.state === "complete" && whole.after).toBe(Buffer.from(frame).toString("hex"));
      for (let cut = 0; cut <= stream.length; cut++) expect(parseChunks(splitAt(stream, cut))).toEqual(whole);
      expect(parseChunks([...stream].map((b) => Uint8Array.of(b)))).toEqual(whole);
      // Cut so that the header ends exactly at a chunk's end, the frame in the next chunk.
      expect(parseChunks(splitAt(stream, header.length))).toEqual(whole);
    });
  }

  test("every three-piece split of a version 2 header", () => {
    const stream = withFrame(headers[5]![1]);
    const whole = parseChunks([stream]);
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b += 3) expect(parseChunks(splitAt(stream, a, b))).toEqual(whole);
    }
  });

  test("every truncation waits for more, holding what it has", () => {
    for (const [, header] of headers) {
      for (let n = 1; n < header.length; n++) expect(parseChunks([header.subarray(0, n)])).toEqual({ state: "incomplete", buffered: n });
    }
  });
});

/** A random valid header, as an init for the encoder. */
function randomInit(rng: Random): [1 | 2, ProxyHeaderInit] {
  const version = rng.bool() ? 1 : 2;
  const family = rng.pick(version === 1 ? (["TCP4", "TCP6", "UNSPEC"] as const) : (["TCP4", "TCP6", "UNIX", "UNSPEC"] as const));
  const endpoint = (): ProxyEndpoint => {
    const port = rng.pick([0, 1, 80, 9876, 10911, 65535, rng.int(0, 65535)]);
    if (family === "TCP4") return { address: [0, 0, 0, 0].map(() => rng.int(0, 255)).join("."), port };
    if (family === "UNIX") return { address: `/tmp/${rng.int(0, 1e6)}.sock`, port: 0 };
    const words = Array.from({ length: 8 }, () => (rng.bool(0.4) ? 0 : rng.int(0, 0xffff)).toString(16));
    return { address: words.join(":"), port };
  };
  const init: ProxyHeaderInit = { family, source: endpoint(), destination: endpoint() };
  if (version === 2) {
    const tlvs: ProxyTlvInit[] = [];
    for (let i = rng.int(0, 4); i > 0; i--) {
      const type = rng.pick([1, 2, 4, 5, 0x30, 0xe0, 0xf0, 0x20]);
      const value = type === 0x20 ? encodeProxySslValue(rng.int(0, 7), rng.int32() >>> 0, [{ type: 0x21, value: rng.bytes(rng.int(0, 8)) }]) : rng.bytes(rng.int(0, type === 5 ? 128 : 40));
      tlvs.push({ type, value });
    }
    init.tlvs = tlvs;
    init.crc32c = rng.bool(0.3);
    if (rng.bool(0.1)) init.command = "LOCAL";
  }
  return [version, init];
}

/** A damaged copy of `stream`; the damage is mostly inside the header, where the parser looks. */
function damage(rng: Random, stream: Uint8Array, headerLength: number): Uint8Array {
  const b = Uint8Array.from(stream);
  const inHeader = (): number => rng.int(0, Math.max(0, headerLength - 1));
  switch (rng.int(0, 5)) {
    case 0:
      for (let i = rng.int(1, 3); i > 0; i--) b[inHeader()]! ^= 1 << rng.int(0, 7);
      return b;
    case 1:
      b[inHeader()] = rng.pick([0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x2e, 0x30, 0xff, rng.int(0, 255)]);
      return b;
    case 2:
      return b.subarray(0, rng.int(0, b.length));
    case 3: {
      // A length field: version 2's (bytes 14-15) or any byte that may be a TLV's.
      const at = rng.bool() ? rng.int(14, 15) : inHeader();
      b[at] = rng.pick([0x00, 0x01, 0x7f, 0x80, 0xff]);
      return b;
    }
    case 4: {
      const at = inHeader();
      return Uint8Array.from([...b.subarray(0, at), ...rng.bytes(rng.int(1, 4)), ...b.subarray(at + rng.int(0, 3))]);
    }
    default: // noise behind a signature prefix
      return Uint8Array.from([...(rng.bool() ? ascii("PROXY ") : PROXY_V2_SIGNATURE.subarray(0, rng.int(9, 16))), ...rng.bytes(rng.int(0, 120))]);
  }
}

function randomCuts(rng: Random, length: number): number[] {
  const cuts = Array.from({ length: rng.int(1, 6) }, () => rng.int(0, length));
  return cuts.sort((x, y) => x - y);
}

/** What parsing the encoding of `init` must give. */
function expectedHeader(version: 1 | 2, init: ProxyHeaderInit, length: number): Record<string, unknown> {
  if (init.command === "LOCAL") return { version, command: "LOCAL", family: "UNSPEC", source: null, destination: null, tlvs: [], length };
  const canonical = (e: ProxyEndpoint): ProxyEndpoint => ({ address: init.family === "TCP6" ? formatIPv6(parseIPv6(e.address)!) : e.address, port: e.port });
  const addressed = init.family !== "UNSPEC";
  const tlvs = [...(init.tlvs ?? []), ...(init.crc32c === true ? [{ type: ProxyTlvType.CRC32C }] : [])];
  return {
    version,
    command: "PROXY",
    family: init.family,
    source: addressed ? canonical(init.source!) : null,
    destination: addressed ? canonical(init.destination!) : null,
    tlvs: tlvs.map((t) => ("value" in t ? { type: t.type, value: toHex(t.value) } : { type: t.type })),
    length,
  };
}

describe("seeded fuzzing", () => {
  test("random valid headers parse back to what was encoded, however they are cut", () => {
    const rng = new Random(0x9e3779b9);
    for (let i = 0; i < 1500; i++) {
      const [version, init] = randomInit(rng);
      const header = version === 1 ? encodeProxyHeaderV1(init) : encodeProxyHeaderV2(init);
      const stream = withFrame(header);
      const whole = parseChunks([stream], rng.bool() ? "optional" : "required");
      expect(whole).toMatchObject({ state: "complete", header: expectedHeader(version, init, header.length) });
      expect(parseChunks(splitAt(stream, ...randomCuts(rng, stream.length)))).toEqual(whole);
    }
  });

  test("damaged headers: only RemotingProxyProtocolError escapes, and the outcome does not depend on the cuts", () => {
    const rng = new Random(20261121);
    const seen = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const [version, init] = randomInit(rng);
      const header = version === 1 ? encodeProxyHeaderV1(init) : encodeProxyHeaderV2(init);
      const stream = damage(rng, withFrame(header), header.length);
      const mode = rng.bool() ? "optional" : "required";
      const whole = parseChunks([stream], mode); // throws (failing the test) on anything but RemotingProxyProtocolError
      seen.add(whole.state);
      const cuts = randomCuts(rng, stream.length);
      expect(`seed case ${i}, cuts ${cuts}: ${JSON.stringify(parseChunks(splitAt(stream, ...cuts), mode))}`).toBe(`seed case ${i}, cuts ${cuts}: ${JSON.stringify(whole)}`);
    }
    expect([...seen].sort()).toEqual(["absent", "complete", "error", "incomplete"]);
  });
});
