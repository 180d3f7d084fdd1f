import { describe, expect, test } from "bun:test";
import {
  detectProxyHeader,
  encodeProxyHeaderV1,
  encodeProxyHeaderV2,
  encodeProxySslValue,
  encodeProxyTlvs,
  PROXY_V2_SIGNATURE,
  ProxyHeaderParser,
  ProxyProtocolAttribute,
  proxyProtocolAttributes,
  ProxySslClient,
  ProxyTlvType,
  RemotingError,
  RemotingProxyProtocolError,
  type ProxyHeader,
  type ProxyHeaderInit,
} from "../../src/index.ts";
import { crc32c } from "../../src/protocol/proxy/crc32c.ts";
import { formatIPv6, parseIPv4, parseIPv6 } from "../../src/protocol/proxy/ip-address.ts";
import { ascii, parseChunks, plainHeader, splitAt } from "../helpers/proxy-headers.ts";
import { fromHex, positiveVectors, toHex } from "../helpers/vectors.ts";

function parseOne(bytes: Uint8Array, mode: "optional" | "required" = "required"): { header: ProxyHeader; rest: Uint8Array } {
  const r = new ProxyHeaderParser(mode).feed(bytes);
  if (r.state !== "complete") throw new Error(`expected a complete header, got ${r.state}`);
  return r;
}

function errorOf(bytes: Uint8Array, mode: "optional" | "required" = "required"): RemotingProxyProtocolError {
  try {
    new ProxyHeaderParser(mode).feed(bytes);
  } catch (error) {
    if (error instanceof RemotingProxyProtocolError) return error;
    throw error;
  }
  throw new Error(`no error for ${toHex(bytes)}`);
}

/** A version 2 header from its parts: version/command byte, family byte, the rest. */
function v2(verCmd: number, family: number, rest: Uint8Array | number[], length = rest.length): Uint8Array {
  return Uint8Array.from([...PROXY_V2_SIGNATURE, verCmd, family, length >>> 8, length & 0xff, ...rest]);
}
const tcp4Addresses = [192, 0, 2, 1, 198, 51, 100, 7, 0xc8, 0x22, 0x26, 0x94]; // 192.0.2.1:51234 -> 198.51.100.7:9876

describe("IP addresses", () => {
  test("IPv4: a dotted quad of 0-255 without leading zeros", () => {
    expect(parseIPv4("192.0.2.255")).toEqual(Uint8Array.from([192, 0, 2, 255]));
    expect(parseIPv4("0.0.0.0")).toEqual(new Uint8Array(4));
    for (const bad of ["01.2.3.4", "1.2.3.04", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..3.4", "1.2.3.4 ", "a.b.c.d", "", "1.2.3.-4", "+1.2.3.4"]) {
      expect(`${bad}: ${parseIPv4(bad)}`).toBe(`${bad}: null`);
    }
  });

  test("IPv6: every text form, written back in RFC 5952 form", () => {
    const cases: [string, string][] = [
      ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["2001:DB8::1", "2001:db8::1"],
      ["::", "::"],
      ["::1", "::1"],
      ["1::", "1::"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // one zero group is not shortened
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longest run
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first of two equal runs
      ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
      ["::FFFF:c000:0201", "::ffff:192.0.2.1"],
      ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
      ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
      ["::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"],
      ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    ];
    for (const [text, canonical] of cases) expect(`${text} -> ${formatIPv6(parseIPv6(text)!)}`).toBe(`${text} -> ${canonical}`);
    const bad = ["", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4::5:6:7:8", "12345::", "g::", ":1::", "1::2:", "::1.2.3", "::1.2.3.04", "1.2.3.4::", "fe80::1%eth0", "[::1]", " ::1"];
    for (const text of bad) expect(`${text}: ${parseIPv6(text)}`).toBe(`${text}: null`);
  });
});

describe("CRC-32C", () => {
  test("the standard check value and RFC 3720's vectors", () => {
    expect(crc32c(ascii("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });
});

describe("detecting a PROXY header by the fewest bytes", () => {
  const v1 = ascii("PROXY TCP4 ");
  test("'PROXY' decides version 1 at its 5th byte, the signature version 2 at its 9th", () => {
    for (let n = 0; n < 5; n++) expect(detectProxyHeader(v1.subarray(0, n)).kind).toBe("undecided");
    expect(detectProxyHeader(v1.subarray(0, 5))).toEqual({ kind: "proxy", version: 1 });
    for (let n = 0; n < 9; n++) expect(detectProxyHeader(PROXY_V2_SIGNATURE.subarray(0, n)).kind).toBe("undecided");
    expect(detectProxyHeader(PROXY_V2_SIGNATURE.subarray(0, 9))).toEqual({ kind: "proxy", version: 2 });
  });

  test("a mismatch before the decisive byte hands the stream on at that byte", () => {
    for (const [prefix, decisive] of [[v1, 5], [PROXY_V2_SIGNATURE, 9]] as const) {
      for (let i = 0; i < decisive; i++) {
        const b = Uint8Array.from(prefix.subarray(0, decisive));
        b[i]! ^= 0x01;
        expect(detectProxyHeader(b)).toEqual({ kind: "absent", offset: i });
      }
    }
  });

  test("every Java-produced RocketMQ frame and a TLS ClientHello are told apart at their first byte", () => {
    expect(positiveVectors.length).toBeGreaterThan(10);
    for (const v of positiveVectors) {
      expect(`${v.id}: ${JSON.stringify(detectProxyHeader(v.frame.subarray(0, 1)))}`).toBe(`${v.id}: {"kind":"absent","offset":0}`);
      const r = new ProxyHeaderParser("optional").feed(v.frame);
      expect(r.state === "absent" && r.data === v.frame).toBe(true); // handed on whole, not copied
    }
    const clientHello = fromHex("16030100f8010000f40303"); // record header, then a ClientHello's first bytes
    expect(detectProxyHeader(clientHello)).toEqual({ kind: "absent", offset: 0 });
  });

  test("frames whose length bytes spell 'PROX' or CR LF CR LF are frames, not headers", () => {
    // A 1,347,571,544-byte ROCKETMQ frame: "PROX", then serialize type 1.
    const prox = Uint8Array.from([...ascii("PROX"), 0x01, 0x00, 0x00, 0x10]);
    expect(parseChunks([prox], "optional")).toEqual({ state: "absent", data: toHex(prox) });
    // A 218,762,506-byte JSON frame: CR LF CR LF, JSON type, header length 0x0d0a51, then "{".
    const crlf = Uint8Array.from([...PROXY_V2_SIGNATURE.subarray(0, 8), 0x7b, 0x22]);
    expect(parseChunks([crlf], "optional")).toEqual({ state: "absent", data: toHex(crlf) });
    // Split anywhere, the bytes held while undecided come back in front of the rest.
    for (let cut = 1; cut < crlf.length; cut++) expect(parseChunks(splitAt(crlf, cut), "optional")).toEqual({ state: "absent", data: toHex(crlf) });
  });

  test('mode "required" refuses anything else at the first byte that rules a header out, naming it', () => {
    expect(errorOf(positiveVectors[0]!.frame)).toMatchObject({ offset: 0, code: "ERR_REMOTING_PROXY_PROTOCOL" });
    expect(errorOf(positiveVectors[0]!.frame).message).toBe('PROXY protocol: the connection must begin with a PROXY header (mode "required"), but byte 0 is 0x00 (at byte 0)');
    expect(errorOf(fromHex("1603010200")).message).toContain("0x16 begins a TLS handshake: the PROXY header must come before TLS");
    expect(errorOf(ascii("PROXZ")).offset).toBe(4);
    expect(parseChunks([ascii("PROXZ")], "optional")).toEqual({ state: "absent", data: toHex(ascii("PROXZ")) });
  });
});

describe("version 1", () => {
  test("TCP4, TCP6 and UNKNOWN, with the bytes after the line", () => {
    const { header, rest } = parseOne(ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n"));
    expect(plainHeader(header)).toEqual({
      version: 1,
      command: "PROXY",
      family: "TCP4",
      source: { address: "192.168.0.1", port: 56324 },
      destination: { address: "192.168.0.11", port: 443 },
      tlvs: [],
      length: 47,
    });
    expect(Buffer.from(rest).toString()).toBe("GET / HTTP/1.1\r\n");

    const six = parseOne(ascii("PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::ffff:10.0.0.1 0 65535\r\n")).header;
    expect(six).toMatchObject({ family: "TCP6", source: { address: "2001:db8::1", port: 0 }, destination: { address: "::ffff:10.0.0.1", port: 65535 } });

    for (const line of ["PROXY UNKNOWN\r\n", "PROXY UNKNOWN ffff:f:f:f:f:f:f:ffff ffff:f:f:f:f:f:f:ffff 65535 65535\r\n", "PROXY UNKNOWN whatever \x01\x7f\xff\r\n"]) {
      const { header: h, rest: r } = parseOne(ascii(`${line}X`));
      expect(h).toMatchObject({ version: 1, command: "PROXY", family: "UNSPEC", source: null, destination: null, length: line.length });
      expect(r).toEqual(ascii("X"));
    }
  });

  test("the longest lines: 107 bytes are accepted, 108 refused at byte 106", () => {
    const longest = `PROXY UNKNOWN ${"f".repeat(39)} ${"f".repeat(39)} 65535 65535\r\n`;
    expect(longest.length).toBe(107);
    expect(parseOne(ascii(longest)).header.length).toBe(107);
    const tcp6 = `PROXY TCP6 ${"ffff:".repeat(7)}ffff ${"ffff:".repeat(7)}ffff 65535 65535\r\n`;
    expect(tcp6.length).toBe(104);
    expect(parseOne(ascii(tcp6)).header.source).toEqual({ address: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", port: 65535 });
    const tooLong = ascii(longest.replace("UNKNOWN ", "UNKNOWN  "));
    expect(errorOf(tooLong)).toMatchObject({ offset: 106, message: "PROXY protocol: no CRLF in the first 107 bytes, the most a version 1 line may take (at byte 106)" });
    // Without a CRLF it fails as soon as the 107th byte has arrived, not later.
    const endless = ascii(`PROXY UNKNOWN ${"x".repeat(200)}`);
    expect(parseChunks([endless.subarray(0, 106)])).toEqual({ state: "incomplete", buffered: 106 });
    expect(parseChunks([endless.subarray(0, 106), endless.subarray(106, 107)])).toMatchObject({ state: "error", offset: 106 });
  });

  const malformed: [string, string, string, number][] = [
    ["no space after PROXY", "PROXY\r\n", '0x0d after "PROXY", expected a space', 5],
    ["a tab after PROXY", "PROXY\tTCP4", '0x09 after "PROXY", expected a space', 5],
    ["unknown protocol", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", 'version 1 protocol "TCP5" is not TCP4, TCP6 or UNKNOWN', 6],
    ["lower case protocol", "PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n", 'protocol "tcp4"', 6],
    ["no protocol", "PROXY \r\n", 'protocol ""', 6],
    ["UNKNOWN glued to more", "PROXY UNKNOWNX\r\n", 'protocol "UNKNOWNX"', 6],
    ["missing destination port", "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "line ends before the destination port", 28],
    ["missing everything", "PROXY TCP4\r\n", "line ends before the source address", 10],
    ["two spaces", "PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", "an empty destination address", 19],
    ["a space before the CRLF", "PROXY TCP4 1.2.3.4 5.6.7.8 1 \r\n", "no destination port", 29],
    ["trailing field", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "goes on after the destination port", 30],
    ["leading zero in an IPv4 number", "PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n", 'source address "01.2.3.4" is not an IPv4 address', 11],
    ["IPv4 number above 255", "PROXY TCP4 1.2.3.4 5.6.7.256 1 2\r\n", 'destination address "5.6.7.256"', 19],
    ["IPv6 address under TCP4", "PROXY TCP4 ::1 ::1 1 2\r\n", 'source address "::1" is not an IPv4 address', 11],
    ["IPv4 address under TCP6", "PROXY TCP6 1.2.3.4 ::1 1 2\r\n", 'source address "1.2.3.4" is not an IPv6 address', 11],
    ["two '::'", "PROXY TCP6 ::1 1::2::3 1 2\r\n", 'destination address "1::2::3" is not an IPv6 address', 15],
    ["port above 65535", "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", 'source port "65536" is not a port', 27],
    ["port with a leading zero", "PROXY TCP4 1.2.3.4 5.6.7.8 1 080\r\n", 'destination port "080" is not a port', 29],
    ["negative port", "PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", 'source port "-1"', 27],
    ["hex port", "PROXY TCP4 1.2.3.4 5.6.7.8 0x50 2\r\n", 'source port "0x50"', 27],
    ["LF alone", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "a line feed without a carriage return", 30],
    ["CR alone", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX", "carriage return followed by 0x58", 31],
    ["LF alone in UNKNOWN's rest", "PROXY UNKNOWN a\nb\r\n", "a line feed without a carriage return", 15],
  ];
  for (const [name, line, message, offset] of malformed) {
    test(`refused: ${name}, at byte ${offset}`, () => {
      const error = errorOf(ascii(line));
      expect(error).toBeInstanceOf(RemotingError);
      expect(error.message).toContain(message);
      expect(error.offset).toBe(offset);
      expect(error.message.endsWith(`(at byte ${offset})`)).toBe(true);
    });
  }
});

describe("version 2", () => {
  test("a header captured from HAProxy: TCP over IPv4, no TLVs, the HTTP request behind it", () => {
    const capture = fromHex("0d0a0d0a000d0a515549540a2111000cac130001ac130003a6520050474554202f20485454502f312e310d0a");
    const { header, rest } = parseOne(capture);
    expect(plainHeader(header)).toEqual({
      version: 2,
      command: "PROXY",
      family: "TCP4",
      source: { address: "172.19.0.1", port: 42578 },
      destination: { address: "172.19.0.3", port: 80 },
      tlvs: [],
      length: 28,
    });
    expect(Buffer.from(rest).toString()).toBe("GET / HTTP/1.1\r\n");
  });

  test("TCP6, UNIX (path and abstract name), UNSPEC, and datagram families falling back to UNSPEC", () => {
    const six = Uint8Array.from([...parseIPv6("2001:db8::1")!, ...parseIPv6("2001:db8::2")!, 0x30, 0x39, 0x26, 0x94]);
    expect(parseOne(v2(0x21, 0x21, six)).header).toMatchObject({
      family: "TCP6",
      source: { address: "2001:db8::1", port: 12345 },
      destination: { address: "2001:db8::2", port: 9876 },
    });
    const unix = new Uint8Array(216);
    unix.set(ascii("/run/haproxy.sock"));
    unix.set(ascii("\0rocketmq\0junk"), 108);
    expect(parseOne(v2(0x21, 0x31, unix)).header).toMatchObject({
      family: "UNIX",
      source: { address: "/run/haproxy.sock", port: 0 },
      destination: { address: "@rocketmq", port: 0 },
    });
    const fullPath = new Uint8Array(216).fill(0x61);
    expect(parseOne(v2(0x21, 0x31, fullPath)).header.source!.address).toBe("a".repeat(108));
    expect(parseOne(v2(0x21, 0x00, [])).header).toMatchObject({ family: "UNSPEC", source: null, destination: null, length: 16 });
    // Datagram families: addresses skipped by their size, TLVs after them still read.
    const noop = [ProxyTlvType.NOOP, 0, 1, 0xaa];
    for (const [family, size] of [[0x12, 12], [0x22, 36], [0x32, 216]] as const) {
      const { header } = parseOne(v2(0x21, family, [...new Uint8Array(size).fill(1), ...noop]));
      expect(header).toMatchObject({ family: "UNSPEC", source: null, destination: null });
      expect(header.tlvs.map((t) => [t.name, toHex(t.value)])).toEqual([["NOOP", "aa"]]);
    }
  });

  test("LOCAL: the block is skipped unread (whatever its family byte), then the next protocol's bytes", () => {
    for (const family of [0x00, 0x11, 0xff]) {
      const { header, rest } = parseOne(Uint8Array.from([...v2(0x20, family, [1, 2, 3, 4, 5]), 0x00, 0x00]));
      expect(plainHeader(header)).toEqual({ version: 2, command: "LOCAL", family: "UNSPEC", source: null, destination: null, tlvs: [], length: 21 });
      expect(rest).toEqual(new Uint8Array(2));
    }
  });

  test("TLVs: every registered type named, others kept by number, SSL with its own TLVs, zero-length values", () => {
    const sslValue = encodeProxySslValue(ProxySslClient.SSL | ProxySslClient.CERT_CONN, 0, [
      { type: ProxyTlvType.SSL_VERSION, value: ascii("TLSv1.3") },
      { type: ProxyTlvType.SSL_CN, value: ascii("client.example") },
      { type: ProxyTlvType.SSL_CIPHER, value: ascii("TLS_AES_128_GCM_SHA256") },
      { type: ProxyTlvType.SSL_SIG_ALG, value: ascii("RSA-SHA256") },
      { type: ProxyTlvType.SSL_KEY_ALG, value: ascii("RSA2048") },
    ]);
    const tlvs = encodeProxyTlvs([
      { type: ProxyTlvType.ALPN, value: ascii("h2") },
      { type: ProxyTlvType.AUTHORITY, value: ascii("broker.example") },
      { type: ProxyTlvType.NOOP, value: new Uint8Array(0) },
      { type: ProxyTlvType.UNIQUE_ID, value: new Uint8Array(128).fill(7) },
      { type: ProxyTlvType.SSL, value: sslValue },
      { type: ProxyTlvType.NETNS, value: ascii("blue") },
      { type: 0xe0, value: Uint8Array.from([1, 2]) },
      { type: 0xf7, value: new Uint8Array(0) },
    ]);
    const { header } = parseOne(v2(0x21, 0x11, [...tcp4Addresses, ...tlvs]));
    expect(header.tlvs.map((t) => [t.type, t.name, t.value.length])).toEqual([
      [0x01, "ALPN", 2],
      [0x02, "AUTHORITY", 14],
      [0x04, "NOOP", 0],
      [0x05, "UNIQUE_ID", 128],
      [0x20, "SSL", sslValue.length],
      [0x30, "NETNS", 4],
      [0xe0, null, 2],
      [0xf7, null, 0],
    ]);
    const ssl = header.tlvs[4]!.ssl!;
    expect(ssl.client).toBe(0x03);
    expect(ssl.verify).toBe(0);
    expect(ssl.tlvs.map((t) => [t.name, Buffer.from(t.value).toString()])).toEqual([
      ["SSL_VERSION", "TLSv1.3"],
      ["SSL_CN", "client.example"],
      ["SSL_CIPHER", "TLS_AES_128_GCM_SHA256"],
      ["SSL_SIG_ALG", "RSA-SHA256"],
      ["SSL_KEY_ALG", "RSA2048"],
    ]);
    expect(parseOne(v2(0x21, 0x11, [...tcp4Addresses, ...encodeProxyTlvs([{ type: 0x20, value: encodeProxySslValue(0, 0xfffffffe) }])])).header.tlvs[0]!.ssl).toEqual({ client: 0, verify: 0xfffffffe, tlvs: [] });
  });

  test("TLV values are views into the received chunk, not copies", () => {
    const bytes = v2(0x21, 0x11, [...tcp4Addresses, ...encodeProxyTlvs([{ type: ProxyTlvType.AUTHORITY, value: ascii("a.example") }])]);
    const value = parseOne(bytes).header.tlvs[0]!.value;
    expect(value.buffer).toBe(bytes.buffer);
    expect(value.byteOffset).toBe(bytes.byteOffset + 31);
  });

  test("CRC32C: checked over the whole header with its own field zeroed; any changed byte is caught", () => {
    const init: ProxyHeaderInit = { family: "TCP4", source: { address: "10.1.2.3", port: 40000 }, destination: { address: "10.9.8.7", port: 10911 }, tlvs: [{ type: ProxyTlvType.UNIQUE_ID, value: ascii("conn-42") }], crc32c: true };
    const bytes = encodeProxyHeaderV2(init);
    const { header } = parseOne(bytes);
    const crcTlv = header.tlvs.find((t) => t.name === "CRC32C")!;
    const zeroed = Uint8Array.from(bytes);
    zeroed.fill(0, bytes.length - 4);
    expect(new DataView(crcTlv.value.buffer, crcTlv.value.byteOffset).getUint32(0)).toBe(crc32c(zeroed));
    const crcType = bytes.length - 7; // changed, it is no CRC32C TLV any more: nothing to check
    for (let i = 16; i < bytes.length; i++) {
      if (i === crcType) continue;
      const tampered = Uint8Array.from(bytes);
      tampered[i]! ^= 0x20;
      const outcome = parseChunks([tampered]);
      // Changing a TLV's type or length breaks the TLV list first; any other byte breaks the checksum.
      expect(outcome.state === "error" ? outcome.message : "accepted").toMatch(/CRC32C|TLV|the header ends/);
    }
  });

  const tlvHeader = (tlvBytes: number[]): Uint8Array => v2(0x21, 0x11, [...tcp4Addresses, ...tlvBytes]);
  const malformed: [string, Uint8Array, string, number][] = [
    ["signature byte 9", Uint8Array.from([...PROXY_V2_SIGNATURE.subarray(0, 9), 0x00]), "not the version 2 signature: 0x00, expected 0x49", 9],
    ["signature byte 11", Uint8Array.from([...PROXY_V2_SIGNATURE.subarray(0, 11), 0x0d]), "not the version 2 signature: 0x0d, expected 0x0a", 11],
    ["version 1 in a binary header", v2(0x11, 0x11, tcp4Addresses), "version 1 in the version 2 header", 12],
    ["version 3", v2(0x31, 0x11, tcp4Addresses), "version 3 in the version 2 header", 12],
    ["command 2", v2(0x22, 0x11, tcp4Addresses), "command 2 (low nibble of byte 12) is neither LOCAL (0) nor PROXY (1)", 12],
    ["command 15", v2(0x2f, 0x11, tcp4Addresses), "command 15", 12],
    ["family 4", v2(0x21, 0x41, tcp4Addresses), "address family and transport 0x41 is not one of 0x00, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32", 13],
    ["transport 3", v2(0x21, 0x13, tcp4Addresses), "transport 0x13", 13],
    ["INET with no transport", v2(0x21, 0x10, tcp4Addresses), "transport 0x10", 13],
    ["STREAM with no family", v2(0x21, 0x01, []), "transport 0x01", 13],
    ["length below the IPv4 addresses", v2(0x21, 0x11, tcp4Addresses.slice(0, 11)), "length 11 (bytes 14-15) is shorter than the 12 bytes of TCP over IPv4 addresses", 14],
    ["length below the IPv6 addresses", v2(0x21, 0x21, new Uint8Array(35)), "length 35 (bytes 14-15) is shorter than the 36 bytes of TCP over IPv6", 14],
    ["length below the UNIX addresses", v2(0x21, 0x31, new Uint8Array(200)), "shorter than the 216 bytes of UNIX stream", 14],
    ["TLV cut after its type", tlvHeader([0x01]), "the header ends with 1 byte(s), too few for a TLV's type and length", 28],
    ["TLV cut in its length", tlvHeader([0x01, 0x00]), "the header ends with 2 byte(s)", 28],
    ["TLV longer than the header", tlvHeader([0x02, 0x00, 0x05, 0x61, 0x62]), "AUTHORITY TLV says 5 byte(s) of value but the header has 2 left", 29],
    ["unknown TLV longer than the header", tlvHeader([0xe5, 0xff, 0xff]), "type 0xe5 TLV says 65535 byte(s) of value but the header has 0 left", 29],
    ["SSL TLV without its fields", tlvHeader([0x20, 0x00, 0x04, 1, 0, 0, 0]), "SSL TLV has 4 byte(s) of value, too few for its client and verify fields (5)", 29],
    ["SSL sub-TLV longer than the SSL TLV", tlvHeader([0x20, 0x00, 0x09, 1, 0, 0, 0, 0, 0x21, 0x00, 0x09, 0x54, 0x00, 0x00]), "SSL_VERSION TLV says 9 byte(s) of value but the SSL TLV has 1 left", 37],
    ["SSL sub-TLV cut", tlvHeader([0x20, 0x00, 0x07, 1, 0, 0, 0, 0, 0x21, 0x00]), "the SSL TLV ends with 2 byte(s)", 36],
    ["CRC32C of 3 bytes", tlvHeader([0x03, 0x00, 0x03, 0, 0, 0]), "CRC32C TLV has 3 byte(s) of value, expected 4", 29],
    ["UNIQUE_ID of 129 bytes", tlvHeader([0x05, 0x00, 129, ...new Uint8Array(129)]), "UNIQUE_ID TLV has 129 bytes, at most 128 are allowed", 29],
    ["a wrong CRC32C", tlvHeader([0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef]), "CRC32C TLV says 0xdeadbeef but the header's checksum is 0x", 31],
  ];
  for (const [name, bytes, message, offset] of malformed) {
    test(`refused: ${name}, at byte ${offset}`, () => {
      const error = errorOf(bytes);
      expect(error.message).toContain(message);
      expect(error.offset).toBe(offset);
    });
  }

  test("two CRC32C TLVs are refused at the second", () => {
    const bytes = encodeProxyHeaderV2({ family: "UNSPEC", tlvs: [{ type: ProxyTlvType.CRC32C, value: new Uint8Array(4) }], crc32c: true });
    expect(errorOf(bytes)).toMatchObject({ offset: 23 });
    expect(errorOf(bytes).message).toContain("a second CRC32C TLV");
  });

  test("the longest header, 16 + 65535 bytes, parses; its length is all it waits for", () => {
    const tlvs = [{ type: ProxyTlvType.NOOP, value: new Uint8Array(65535 - 12 - 3) }];
    const bytes = encodeProxyHeaderV2({ family: "TCP4", source: { address: "1.2.3.4", port: 1 }, destination: { address: "5.6.7.8", port: 2 }, tlvs });
    expect(bytes.length).toBe(16 + 65535);
    expect(parseOne(bytes).header.tlvs[0]!.value.length).toBe(65520);
    expect(parseChunks([bytes.subarray(0, 16)])).toEqual({ state: "incomplete", buffered: 16 });
  });

  test("a bad field is refused as soon as it arrives, before the header's body", () => {
    expect(parseChunks([v2(0x31, 0x11, tcp4Addresses).subarray(0, 13)])).toMatchObject({ state: "error", offset: 12 });
    expect(parseChunks([v2(0x21, 0x99, tcp4Addresses).subarray(0, 14)])).toMatchObject({ state: "error", offset: 13 });
    expect(parseChunks([v2(0x21, 0x11, [], 4)])).toMatchObject({ state: "error", offset: 14 });
  });
});

describe("the parser's life", () => {
  test("after a decision, feed() is a programming error; after a failure, every feed() throws the same error", () => {
    const parser = new ProxyHeaderParser();
    expect(parser.feed(ascii("PROXY UNKNOWN\r\n")).state).toBe("complete");
    expect(() => parser.feed(ascii("x"))).toThrow(TypeError);
    const failing = new ProxyHeaderParser();
    const first = (() => {
      try {
        failing.feed(ascii("PROXY TCP9\r\n"));
      } catch (error) {
        return error;
      }
    })();
    expect(first).toBeInstanceOf(RemotingProxyProtocolError);
    expect(() => failing.feed(ascii("anything"))).toThrow(first as Error);
    expect(failing.bufferedBytes).toBe(0);
  });

  test("empty chunks change nothing; bufferedBytes counts what is held", () => {
    const parser = new ProxyHeaderParser("optional");
    expect(parser.feed(new Uint8Array(0)).state).toBe("incomplete");
    expect(parser.feed(ascii("PRO")).state).toBe("incomplete");
    expect(parser.bufferedBytes).toBe(3);
    expect(parser.feed(new Uint8Array(0)).state).toBe("incomplete");
    expect(parser.feed(ascii("XY ")).state).toBe("incomplete");
    expect(parser.bufferedBytes).toBe(6);
    const r = parser.feed(ascii("UNKNOWN\r\nrest"));
    expect(r.state === "complete" && Buffer.from(r.rest).toString()).toBe("rest");
    expect(parser.bufferedBytes).toBe(0);
  });

  test("an unknown mode is a TypeError", () => {
    expect(() => new ProxyHeaderParser("sometimes" as never)).toThrow(TypeError);
  });
});

describe("encoding", () => {
  const source = { address: "203.0.113.9", port: 61000 };
  const destination = { address: "10.0.0.5", port: 10911 };

  test("version 1 writes the spec's line; version 2 the spec's layout", () => {
    expect(Buffer.from(encodeProxyHeaderV1({ family: "TCP4", source, destination })).toString()).toBe("PROXY TCP4 203.0.113.9 10.0.0.5 61000 10911\r\n");
    expect(Buffer.from(encodeProxyHeaderV1({ family: "TCP6", source: { address: "2001:DB8:0::1", port: 1 }, destination: { address: "::1", port: 2 } })).toString()).toBe("PROXY TCP6 2001:db8::1 ::1 1 2\r\n");
    expect(Buffer.from(encodeProxyHeaderV1({ family: "UNSPEC" })).toString()).toBe("PROXY UNKNOWN\r\n");
    expect(toHex(encodeProxyHeaderV2({ family: "TCP4", source: { address: "172.19.0.1", port: 42578 }, destination: { address: "172.19.0.3", port: 80 } }))).toBe(
      "0d0a0d0a000d0a515549540a2111000cac130001ac130003a6520050",
    );
    expect(toHex(encodeProxyHeaderV2({ command: "LOCAL", family: "TCP4" }))).toBe("0d0a0d0a000d0a515549540a20000000");
  });

  test("what is encoded parses back to the same header, both versions, every family", () => {
    const inits: [1 | 2, ProxyHeaderInit][] = [
      [1, { family: "TCP4", source, destination }],
      [1, { family: "TCP6", source: { address: "2001:db8::7", port: 0 }, destination: { address: "::ffff:10.0.0.5", port: 65535 } }],
      [1, { family: "UNSPEC" }],
      [2, { family: "TCP4", source, destination }],
      [2, { family: "TCP6", source: { address: "fe80::1", port: 5 }, destination: { address: "2001:db8::7", port: 9876 }, crc32c: true }],
      [2, { family: "UNIX", source: { address: "/tmp/a.sock", port: 0 }, destination: { address: "/tmp/b.sock", port: 0 } }],
      [2, { family: "UNSPEC", tlvs: [{ type: ProxyTlvType.AUTHORITY, value: ascii("x") }] }],
      [2, { command: "LOCAL", family: "TCP4" }],
    ];
    for (const [version, init] of inits) {
      const { header } = parseOne(version === 1 ? encodeProxyHeaderV1(init) : encodeProxyHeaderV2(init));
      expect(header).toMatchObject({ version, command: init.command ?? "PROXY", family: init.command === "LOCAL" ? "UNSPEC" : init.family });
      if (init.family !== "UNSPEC" && init.command !== "LOCAL") {
        expect(header.source).toEqual({ address: formatIfIPv6(init.source!.address), port: init.source!.port });
        expect(header.destination).toEqual({ address: formatIfIPv6(init.destination!.address), port: init.destination!.port });
      }
    }
  });

  test("bad arguments are TypeError or RangeError, naming what is wrong", () => {
    expect(() => encodeProxyHeaderV1({ family: "UNIX", source, destination })).toThrow(/version 1 carries TCP4, TCP6 or UNSPEC/);
    expect(() => encodeProxyHeaderV1({ family: "TCP4", source, destination, crc32c: true })).toThrow(/need version 2/);
    expect(() => encodeProxyHeaderV1({ family: "TCP4", source })).toThrow(/destination \{ address, port \} is required/);
    expect(() => encodeProxyHeaderV1({ family: "TCP4", source: { address: "::1", port: 1 }, destination })).toThrow(/source address "::1" is not an IPv4 address/);
    expect(() => encodeProxyHeaderV2({ family: "TCP6", source, destination })).toThrow(/is not an IPv6 address/);
    expect(() => encodeProxyHeaderV2({ family: "TCP4", source: { address: "1.2.3.4", port: 65536 }, destination })).toThrow(RangeError);
    expect(() => encodeProxyHeaderV2({ family: "UNIX", source: { address: "x".repeat(109), port: 0 }, destination })).toThrow(/109 bytes/);
    expect(() => encodeProxyHeaderV2({ family: "UNSPEC", tlvs: [{ type: 256, value: new Uint8Array(0) }] })).toThrow(/TLV type must be a byte/);
    expect(() => encodeProxyHeaderV2({ family: "UNSPEC", tlvs: [{ type: 1, value: new Uint8Array(65536) }] })).toThrow(/at most 65535/);
    expect(() => encodeProxyHeaderV2({ family: "UNSPEC", tlvs: [{ type: 1, value: new Uint8Array(40000) }, { type: 1, value: new Uint8Array(40000) }] })).toThrow(/holds 65535/);
  });
});

function formatIfIPv6(address: string): string {
  return address.includes(":") ? formatIPv6(parseIPv6(address)!) : address;
}

describe("Java's channel attributes", () => {
  test("addresses, ports above 0, and printable-ASCII TLVs (an SSL TLV's own included) under Java's names", () => {
    const header = parseOne(
      encodeProxyHeaderV2({
        family: "TCP6",
        source: { address: "2001:db8::1", port: 40000 },
        destination: { address: "2001:db8::2", port: 0 },
        tlvs: [
          { type: ProxyTlvType.AUTHORITY, value: ascii("broker-a.example") },
          { type: ProxyTlvType.UNIQUE_ID, value: Uint8Array.from([0x00, 0xff]) }, // binary: left out, as Java does
          { type: ProxyTlvType.SSL, value: encodeProxySslValue(1, 0, [{ type: ProxyTlvType.SSL_VERSION, value: ascii("TLSv1.2") }]) },
          { type: 0xe1, value: ascii("first") },
          { type: 0xe1, value: ascii("second") },
        ],
      }),
    ).header;
    expect(proxyProtocolAttributes(header)).toEqual({
      [ProxyProtocolAttribute.ADDR]: "2001:db8::1",
      [ProxyProtocolAttribute.PORT]: "40000",
      [ProxyProtocolAttribute.SERVER_ADDR]: "2001:db8::2",
      proxy_protocol_tlv_0x02: "broker-a.example",
      proxy_protocol_tlv_0x21: "TLSv1.2",
      proxy_protocol_tlv_0xe1: "second",
    });
    expect(proxyProtocolAttributes(parseOne(ascii("PROXY UNKNOWN\r\n")).header)).toEqual({});
  });
});
