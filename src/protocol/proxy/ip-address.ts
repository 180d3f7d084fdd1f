/**
 * IP addresses as text and as bytes, strict in what they accept: the PROXY protocol forbids
 * leading zeros in IPv4 numbers (octal confusion), and an address that does not parse must be
 * refused rather than guessed at. Output is canonical, so the same address reads the same whether
 * it came as text (version 1) or as bytes (version 2).
 */

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** A dotted quad ("192.0.2.1") as 4 bytes, or null. */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!DECIMAL_OCTET.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/** 16-bit groups of `text` ("" is none); a dotted quad may stand for the last two. */
function groups(text: string, ipv4Last: boolean): number[] | null {
  if (text === "") return [];
  const parts = text.split(":");
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (ipv4Last && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIPv4(part);
      if (v4 === null) return null;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (HEX_GROUP.test(part)) {
      words.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return words;
}

/**
 * An IPv6 address in text form (RFC 4291 section 2.2: groups of 1-4 hex digits, one "::", an
 * optional dotted quad at the end) as 16 bytes, or null. No zone ("%eth0"), no brackets.
 */
export function parseIPv6(text: string): Uint8Array | null {
  const gap = text.indexOf("::");
  if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) return null;
  const head = groups(gap < 0 ? text : text.slice(0, gap), gap < 0);
  const tail = gap < 0 ? [] : groups(text.slice(gap + 2), true);
  if (head === null || tail === null) return null;
  const count = head.length + tail.length;
  if (gap < 0 ? count !== 8 : count > 7) return null;
  const out = new Uint8Array(16);
  head.forEach((w, i) => {
    out[2 * i] = w >>> 8;
    out[2 * i + 1] = w;
  });
  tail.forEach((w, i) => {
    const at = 2 * (8 - tail.length + i);
    out[at] = w >>> 8;
    out[at + 1] = w;
  });
  return out;
}

export function formatIPv4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/**
 * RFC 5952 text: lower-case hex without leading zeros, the longest run of two or more zero groups
 * (the first of equals) as "::", and IPv4-mapped addresses as "::ffff:a.b.c.d".
 */
export function formatIPv6(b: Uint8Array, offset = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[offset + 2 * i]! << 8) | b[offset + 2 * i + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `::ffff:${formatIPv4(b, offset + 12)}`;
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(":");
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}
