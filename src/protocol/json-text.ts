/*
 * Limits for JSON read off the wire (headers and bodies): how deep it may nest, and how much of it
 * an error message quotes. A peer controls both the text and the values that end up in messages.
 */

/**
 * Objects and arrays nested deeper than this are refused before JSON.parse. RocketMQ's headers are
 * two levels deep and its bodies five or six; thousands of levels would cost JSON.parse, and
 * JSON.stringify in an error message, their stack.
 */
export const MAX_JSON_NESTING = 32;

/** How much of a text, or of a bad value's JSON, an error message quotes. */
const QUOTED_CHARS = 80;

/** Whether objects and arrays in the JSON `text` nest deeper than MAX_JSON_NESTING (brackets inside strings do not count). */
export function nestsTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // the escaped character cannot end the string
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_NESTING) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** The start of `text`, for an error message. */
export function excerpt(text: string): string {
  return text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}...` : text;
}

/** A value as an error message shows it: its JSON text (String() when it has none), cut. */
export function quoted(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // a cycle, a BigInt, a getter that throws: its String() below
  }
  return excerpt(text ?? String(value));
}
