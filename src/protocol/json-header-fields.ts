import { LanguageCode } from "./language-code.ts";

/**
 * Field semantics shared by both JSON header decoders, so that the fast parser and the
 * JSON.parse fallback always agree.
 */

/** Java's defaults for fields missing from a JSON header (opaque: a fresh counter value). */
export const JSON_DEFAULTS = { code: 0, language: "JAVA", version: 0, flag: 0 } as const;

/**
 * fastjson matches enum names exactly, then case-insensitively. An unknown name decodes to null in
 * Java; we keep the peer's text so that logs show it.
 */
export function normalizeLanguage(name: string): string {
  if (name === "JAVA" || Object.hasOwn(LanguageCode, name)) return name;
  const upper = name.toUpperCase();
  return Object.hasOwn(LanguageCode, upper) ? upper : name;
}
