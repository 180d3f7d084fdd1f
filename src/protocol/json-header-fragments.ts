import { ByteLiteral } from "./byte-literal.ts";

/*
 * The fixed runs of the JSON header fastjson writes for a Java RemotingCommand (keys in
 * alphabetical order, no whitespace): what json-header-encode.ts writes and
 * json-header-canonical.ts matches.
 */
export const CODE = new ByteLiteral('{"code":');
export const EXT_FIELDS = new ByteLiteral(',"extFields":{');
const FLAG_TEXT = ',"flag":';
const JAVA_THEN_OPAQUE_TEXT = ',"language":"JAVA","opaque":';
const TAIL_TEXT = ',"serializeTypeCurrentRPC":"JSON","version":';
export const FLAG = new ByteLiteral(FLAG_TEXT);
export const LANGUAGE = new ByteLiteral(',"language":');
export const OPAQUE = new ByteLiteral(',"opaque":');
/** Nearly every peer says JAVA: one fragment instead of three. */
export const JAVA_THEN_OPAQUE = new ByteLiteral(JAVA_THEN_OPAQUE_TEXT);
const FLAG_THEN_JAVA_THEN_OPAQUE = [0, 1, 2, 3].map((flag) => new ByteLiteral(FLAG_TEXT + flag + JAVA_THEN_OPAQUE_TEXT));
/**
 * The flag, language JAVA and the opaque's key in one fragment, for the flags nearly every command
 * has: 0 (a request), 1 (a response), 2 (a oneway request) and 3; null for any other flag. One run
 * of words instead of two fragments and an integer, written or matched.
 */
export function flagThenJavaThenOpaque(flag: number): ByteLiteral | null {
  return flag >= 0 && flag < FLAG_THEN_JAVA_THEN_OPAQUE.length ? FLAG_THEN_JAVA_THEN_OPAQUE[flag]! : null;
}
/** Where a flag's single digit is, from the start of FLAG (and of flagThenJavaThenOpaque's fragments). */
export const FLAG_DIGIT_OFFSET = FLAG.length;
export const REMARK = new ByteLiteral(',"remark":');
export const TAIL = new ByteLiteral(TAIL_TEXT);

/** TAIL, `version` and the header's closing brace, in one fragment. */
export function tailWithVersion(version: number): ByteLiteral {
  return new ByteLiteral(`${TAIL_TEXT}${version}}`);
}
