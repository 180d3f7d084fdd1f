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
/**
 * The flag, language JAVA and the opaque's key in one fragment, by flag, for the flags nearly every
 * command has: 0 (a request), 1 (a response), 2 (a oneway request) and 3. One run of words instead
 * of two fragments and an integer, written or matched.
 */
export const FLAG_THEN_JAVA_THEN_OPAQUE: readonly ByteLiteral[] = [0, 1, 2, 3].map((flag) => new ByteLiteral(FLAG_TEXT + flag + JAVA_THEN_OPAQUE_TEXT));
/** Where a flag's digit is in FLAG_THEN_JAVA_THEN_OPAQUE, and in a header at FLAG. */
export const FLAG_DIGIT_OFFSET = FLAG.length;
export const REMARK = new ByteLiteral(',"remark":');
export const TAIL = new ByteLiteral(TAIL_TEXT);

/** TAIL, `version` and the header's closing brace, in one fragment. */
export function tailWithVersion(version: number): ByteLiteral {
  return new ByteLiteral(`${TAIL_TEXT}${version}}`);
}
