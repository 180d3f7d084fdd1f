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
export const REMARK = new ByteLiteral(',"remark":');
export const TAIL = new ByteLiteral(',"serializeTypeCurrentRPC":"JSON","version":');
