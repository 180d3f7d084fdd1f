import { describe, expect, test } from "bun:test";
import { RemotingCommandError } from "../../src/index.ts";
import { readAddress } from "../../src/rocketmq/message/ip-address.ts";
import { storedMessageId } from "../../src/rocketmq/message/offset-message-id.ts";
import { createOffsetMessageId, decodeMessageId, decodeOffsetMessageId, formatIp, formatIpAndPort, MessageIdGenerator, parseIp, parseIpAndPort, selectMessageIdIp } from "../../src/rocketmq/index.ts";

const ipv4 = (s: string): Uint8Array => parseIp(s);
const DEC_1_2026 = Date.UTC(2026, 11, 1);

describe("UNIQ_KEY (MessageClientIDSetter)", () => {
  test("the spec's example: ip 10.0.0.5, pid 12345, loader hash 0x1B6D3586, 0x0A1B2C3D ms into the month, counter 7", () => {
    const ids = new MessageIdGenerator({ ip: ipv4("10.0.0.5"), pid: 12345, processHash: 0x1b6d3586, clock: () => DEC_1_2026 + 0x0a1b2c3d, timeZone: "utc", counter: 7 });
    expect(ids.next()).toBe("0A000005" + "3039" + "1B6D3586" + "0A1B2C3D" + "0007");
    expect(ids.next()).toBe("0A00000530391B6D35860A1B2C3D0008");
  });

  test("pid keeps 16 bits, the hash 32 (negative too), the counter wraps at 16 bits in the id", () => {
    const ids = new MessageIdGenerator({ ip: ipv4("192.168.1.2"), pid: 0x12345, processHash: -2, clock: () => DEC_1_2026 + 1, timeZone: "utc", counter: 0xffff });
    expect(ids.next()).toBe("C0A80102" + "2345" + "FFFFFFFE" + "00000001" + "FFFF");
    expect(ids.next().slice(-4)).toBe("0000");
  });

  test("IPv6: 56 hex digits", () => {
    const ids = new MessageIdGenerator({ ip: parseIp("fd00::2"), pid: 1, processHash: 2, clock: () => DEC_1_2026, timeZone: "utc" });
    const id = ids.next();
    expect(id.length).toBe(56);
    expect(id).toBe("FD000000000000000000000000000002" + "0001" + "00000002" + "00000000" + "0000");
  });

  test("the time part wraps like Java's int, restarts with each month; a clock stepped back a little reads 0, a lot keeps its raw bits", () => {
    let now = Date.UTC(2026, 0, 31, 23, 59, 59, 999);
    const ids = new MessageIdGenerator({ ip: ipv4("10.0.0.1"), pid: 1, processHash: 1, clock: () => now, timeZone: "utc" });
    const span = (id: string): number => parseInt(id.slice(20, 28), 16) | 0;
    // Past ~24.8 days the int32 wraps, as Java's (int) cast does.
    expect(span(ids.next())).toBe((now - Date.UTC(2026, 0, 1)) | 0);
    expect(span(ids.next())).toBeLessThan(0);
    now = Date.UTC(2026, 1, 1, 0, 0, 0, 100);
    expect(span(ids.next())).toBe(100);
    now = Date.UTC(2026, 0, 31, 23, 59, 59, 900); // NTP stepped back across the month start
    expect(span(ids.next())).toBe(0);
    now = Date.UTC(2026, 1, 1) - 2_000_000;
    expect(span(ids.next())).toBe(-2_000_000);
  });

  test("local time zone months by default (Java: the JVM's zone)", () => {
    const now = new Date(2026, 5, 15, 12, 0, 0).getTime();
    const id = new MessageIdGenerator({ ip: ipv4("10.0.0.1"), pid: 1, processHash: 1, clock: () => now }).next();
    expect(parseInt(id.slice(20, 28), 16)).toBe(now - new Date(2026, 5, 1).getTime());
  });

  test("decodeMessageId: address, pid, hash, counter, and the time placed in the month of `now` or the one before", () => {
    const made = Date.UTC(2026, 2, 10, 8, 30);
    const id = new MessageIdGenerator({ ip: ipv4("10.1.2.3"), pid: 4242, processHash: -7, clock: () => made, timeZone: "utc", counter: 9 }).next();
    const d = decodeMessageId(id, { now: made + 5000, timeZone: "utc" });
    expect(d).toEqual({ ip: ipv4("10.1.2.3"), address: "10.1.2.3", pid: 4242, processHash: -7, time: made, counter: 9 });
    // Read in the next month, the id is still placed in March.
    expect(decodeMessageId(id, { now: Date.UTC(2026, 3, 2), timeZone: "utc" }).time).toBe(made);
    // Java's rule is "at or after now means last month": an id read in the millisecond it was made goes a month back.
    expect(decodeMessageId(id, { now: made, timeZone: "utc" }).time).toBe(Date.UTC(2026, 1, 1) + (made - Date.UTC(2026, 2, 1)));
  });

  test("decodeMessageId refuses what is not 32 or 56 hex digits", () => {
    expect(() => decodeMessageId("ABC")).toThrow(RemotingCommandError);
    expect(() => decodeMessageId("Z".repeat(32))).toThrow(RemotingCommandError);
  });

  test("bad generator inputs are programming errors", () => {
    expect(() => new MessageIdGenerator({ ip: new Uint8Array(5), pid: 1, processHash: 1 })).toThrow(TypeError);
    expect(() => new MessageIdGenerator({ ip: new Uint8Array(4), pid: 1.5, processHash: 1 })).toThrow(TypeError);
  });

  test("selectMessageIdIp: Java's choice (first public, else first private IPv4), never loopback or link-local", () => {
    expect(formatIp(selectMessageIdIp(["127.0.0.1", "::1", "10.0.0.7", "fe80::1", "fd00::2", "8.8.8.8"]))).toBe("fd00::2");
    expect(formatIp(selectMessageIdIp(["127.0.0.1", "172.20.0.3", "192.168.0.9", "fec0::5"]))).toBe("172.20.0.3");
    expect(formatIp(selectMessageIdIp(["not an ip", "169.254.1.1", "203.0.113.9"]))).toBe("203.0.113.9");
    expect(formatIp(selectMessageIdIp(["::ffff:198.51.100.4"]))).toBe("198.51.100.4");
    // Nothing usable: Java's fallback, the low 4 bytes of the clock.
    expect([...selectMessageIdIp(["127.0.0.1"], 0x1_0a0b0c0d)]).toEqual([0x0a, 0x0b, 0x0c, 0x0d]);
  });
});

describe("offset message id (MessageDecoder.createMessageId / decodeMessageId)", () => {
  test("the spec's example: store 10.0.0.9:10911, offset 0x1234", () => {
    const id = createOffsetMessageId(ipv4("10.0.0.9"), 10911, 0x1234);
    expect(id).toBe("0A000009" + "00002A9F" + "0000000000001234");
    expect(decodeOffsetMessageId(id)).toEqual({ ip: ipv4("10.0.0.9"), port: 10911, address: "10.0.0.9:10911", commitLogOffset: 0x1234 });
    expect(createOffsetMessageId(ipv4("10.0.0.9"), 10911, 0x1234n)).toBe(id);
  });

  test("a broker's ids (the store host's hex spelt once) are createOffsetMessageId's, at every offset width", () => {
    for (const host of ["10.0.0.9:10911", "[2001:db8::7]:65535"]) {
      const store = readAddress(host);
      for (const offset of [0, 1, 0x1234, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
        expect(storedMessageId(store, offset)).toBe(createOffsetMessageId(store.ip, store.port, offset));
      }
    }
  });

  test("IPv6 store host: 56 digits; lower-case hex reads too", () => {
    const id = createOffsetMessageId(parseIp("2001:db8::7"), 65535, 2 ** 40 + 5);
    expect(id.length).toBe(56);
    expect(decodeOffsetMessageId(id.toLowerCase())).toEqual({ ip: parseIp("2001:db8::7"), port: 65535, address: "[2001:db8::7]:65535", commitLogOffset: 2 ** 40 + 5 });
  });

  test("bad ids are RemotingCommandErrors; bad inputs TypeErrors", () => {
    expect(() => decodeOffsetMessageId("00")).toThrow(RemotingCommandError);
    expect(() => decodeOffsetMessageId("G".repeat(32))).toThrow(RemotingCommandError);
    expect(() => decodeOffsetMessageId("0A00000900002A9F7FFFFFFFFFFFFFFF")).toThrow(/safe integer/);
    expect(() => createOffsetMessageId(new Uint8Array(3), 1, 1)).toThrow(TypeError);
    expect(() => createOffsetMessageId(new Uint8Array(4), 1, 0.5)).toThrow(TypeError);
  });
});

describe("IP addresses", () => {
  test("parseIp: IPv4, IPv6 in every written form, IPv4-mapped to 4 bytes, zones ignored", () => {
    expect([...parseIp("1.2.3.255")]).toEqual([1, 2, 3, 255]);
    expect(formatIp(parseIp("fd00:0:0:0:0:0:0:2"))).toBe("fd00::2"); // Java's long form
    expect(formatIp(parseIp("FD00::2"))).toBe("fd00::2");
    expect(formatIp(parseIp("::"))).toBe("::");
    expect(formatIp(parseIp("::1"))).toBe("::1");
    expect(formatIp(parseIp("fe80::1%eth0"))).toBe("fe80::1");
    expect(formatIp(parseIp("64:ff9b::192.0.2.1"))).toBe("64:ff9b::c000:201");
    expect([...parseIp("::ffff:127.0.0.1")]).toEqual([127, 0, 0, 1]);
  });

  test("formatIp: RFC 5952 (longest zero run, leftmost on a tie, never a single group)", () => {
    expect(formatIp(parseIp("2001:db8:0:0:1:0:0:1"))).toBe("2001:db8::1:0:0:1");
    expect(formatIp(parseIp("1:0:0:2:0:0:0:3"))).toBe("1:0:0:2::3");
    expect(formatIp(parseIp("1:0:2:3:4:5:6:7"))).toBe("1:0:2:3:4:5:6:7");
    expect(formatIp(parseIp("1:2:3:4:5:6:7:0"))).toBe("1:2:3:4:5:6:7:0");
    expect(formatIp(parseIp("0:0:1:2:3:4:5:6"))).toBe("::1:2:3:4:5:6");
  });

  test("host and port", () => {
    expect(parseIpAndPort("[::1]:10911")).toEqual({ ip: parseIp("::1"), port: 10911 });
    expect(parseIpAndPort("127.0.0.1:0")).toEqual({ ip: parseIp("127.0.0.1"), port: 0 });
    const b = parseIp("fd00::2");
    expect(formatIpAndPort(b, 0, 16, 80)).toBe("[fd00::2]:80");
  });

  test("what is not an address is a RemotingCommandError", () => {
    for (const bad of ["1.2.3", "1.2.3.256", "1.2.3.4.5", "a.b.c.d", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::", "::g", "1:2:3:4:5:6:7::8", ""]) {
      expect(() => parseIp(bad)).toThrow(RemotingCommandError);
    }
    for (const bad of ["1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:x"]) expect(() => parseIpAndPort(bad)).toThrow(RemotingCommandError);
  });
});
