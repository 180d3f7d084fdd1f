/** Implementation language of a peer: the name travels in JSON headers, the byte in ROCKETMQ headers. */
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  /** Since RocketMQ 4.9.4. */
  RUST: 12,
  /** Since RocketMQ 5.3.2; older servers decode it as null. */
  NODE_JS: 13,
} as const;

/** A LanguageCode name ("JAVA", "GO"...): what a command's `language` field holds. */
export type LanguageName = keyof typeof LanguageCode;

/** The names by ordinal (the ROCKETMQ byte, and fastjson's reading of a number). */
export const LANGUAGE_NAMES: readonly LanguageName[] = Object.keys(LanguageCode) as LanguageName[];
const BYTES = new Map<string, number>(Object.entries(LanguageCode));

/**
 * The name for a ROCKETMQ language byte. Java decodes an unknown byte to null; we keep it visible
 * as `UNKNOWN(<byte>)` so that logs say what the peer sent.
 */
export function languageName(byte: number): string {
  return LANGUAGE_NAMES[byte] ?? `UNKNOWN(${byte})`;
}

/** The ROCKETMQ byte for a language name, or -1 when the name is not a LanguageCode. */
export function languageByte(name: string): number {
  if (name === "JAVA") return 0;
  return BYTES.get(name) ?? -1;
}
