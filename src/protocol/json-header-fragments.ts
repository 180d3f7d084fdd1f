import { ByteLiteral } from "./byte-literal.ts";

/*
 * The fixed runs of the JSON header fastjson writes for a Java RemotingCommand (keys in
 * alphabetical order, no whitespace): what json-header-encode.ts writes and
 * json-header-canonical.ts matches.
 */
export const CODE = new ByteLiteral('{"code":');
export const EXT_FIELDS = new ByteLiteral(',"extFields":{');
export const FLAG = new ByteLiteral(',"flag":');
export const LANGUAGE = new ByteLiteral(',"language":');
export const OPAQUE = new ByteLiteral(',"opaque":');
/** Nearly every peer says JAVA: one fragment instead of three. */
export const JAVA_THEN_OPAQUE = new ByteLiteral(',"language":"JAVA","opaque":');
/**
 * The flag, language JAVA and the opaque's key in one fragment, by flag, for the flags nearly every
 * command has: 0 (a request), 1 (a response), 2 (a oneway request) and 3. One run of words instead
 * of two fragments and an integer, written or matched.
 */
export const FLAG_THEN_JAVA_THEN_OPAQUE: readonly ByteLiteral[] = [0, 1, 2, 3].map((flag) => new ByteLiteral(`,"flag":${flag},"language":"JAVA","opaque":`));
/** Where a flag's digit is in FLAG_THEN_JAVA_THEN_OPAQUE, and in a header at FLAG. */
export const FLAG_DIGIT_OFFSET = FLAG.length;
export const REMARK = new ByteLiteral(',"remark":');
export const TAIL = new ByteLiteral(',"serializeTypeCurrentRPC":"JSON","version":');
