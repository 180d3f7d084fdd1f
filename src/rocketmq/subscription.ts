import { MQClientError } from "../errors.ts";
import type { SubscriptionData } from "./heartbeat-data.ts";

/*
 * Tag subscriptions (Java's FilterAPI.buildSubscriptionData) and the two tag filters: the broker's,
 * by hash code (ExpressionMessageFilter), and the client's, by string (PullAPIWrapper).
 */

/** The expression that subscribes to every message of a topic. */
export const SUB_ALL = "*";

/** Kinds of subscription expression (Java's ExpressionType). */
export const ExpressionType = { TAG: "TAG", SQL92: "SQL92" } as const;

/** Java's String.hashCode: 31*h + each UTF-16 unit, wrapping at 32 bits. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The tag code a broker indexes a message under: hashCode(TAGS), 0 without tags (tagsString2tagsCode). */
export function tagsCodeOf(tags: string | null | undefined): number {
  return tags === null || tags === undefined || tags.length === 0 ? 0 : javaStringHashCode(tags);
}

/** Java's String.split("\\|\\|"): trailing empty pieces are dropped. */
function splitTags(subString: string): string[] {
  const parts = subString.split("||");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Java's String.trim: strips characters up to U+0020 (JavaScript's trim strips other spaces too). */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/**
 * A subscription as Java's FilterAPI.build makes it. TAG (the default): null, "" and "*" subscribe
 * to everything (subString "*", no tags); otherwise the expression is split on "||", each piece
 * trimmed (Java's trim), empty pieces skipped, duplicates dropped, and each tag's hash code goes to codeSet.
 * An expression of separators only ("||") is refused, as in Java. SQL92: the expression is kept
 * as it is and may not be empty. subVersion is the creation time by default (Java: currentTimeMillis).
 */
export function buildSubscriptionData(
  topic: string,
  subString: string | null | undefined,
  options: { expressionType?: string; subVersion?: number } = {},
): SubscriptionData {
  const expressionType = options.expressionType ?? ExpressionType.TAG;
  const subVersion = options.subVersion ?? Date.now();
  const data: SubscriptionData = { classFilterMode: false, topic, subString: subString ?? SUB_ALL, tagsSet: [], codeSet: [], subVersion, expressionType };
  if (expressionType !== ExpressionType.TAG) {
    if (subString === null || subString === undefined || subString.length < 1) {
      throw new MQClientError(`subscription exception: Expression can't be null! ${expressionType}`);
    }
    return data;
  }
  if (subString === null || subString === undefined || subString === SUB_ALL || subString.length === 0) {
    data.subString = SUB_ALL;
    return data;
  }
  const tags = splitTags(subString);
  if (tags.length === 0) throw new MQClientError(`subscription exception: subString split error: "${subString}" has no tag`);
  for (const tag of tags) {
    const trimmed = javaTrim(tag);
    if (trimmed.length === 0 || data.tagsSet.includes(trimmed)) continue;
    data.tagsSet.push(trimmed);
    const code = javaStringHashCode(trimmed);
    if (!data.codeSet.includes(code)) data.codeSet.push(code);
  }
  return data;
}

/** Whether the expression type is TAG (Java: null also counts as TAG). */
function isTagType(expressionType: string | null | undefined): boolean {
  return expressionType === null || expressionType === undefined || expressionType === ExpressionType.TAG;
}

/**
 * The broker's filter of a TAG subscription (ExpressionMessageFilter.isMatchedByConsumeQueue): "*"
 * passes everything, otherwise the message's tag code must be in codeSet, so a message without
 * tags (code 0) passes no tag list and a hash collision passes. Class-filter and non-TAG
 * subscriptions pass everything here (SQL92 is not evaluated).
 */
export function brokerTagFilterMatches(subscription: SubscriptionData, tagsCode: number): boolean {
  if (subscription.classFilterMode === true || !isTagType(subscription.expressionType)) return true;
  if (subscription.subString === SUB_ALL) return true;
  return subscription.codeSet.includes(tagsCode | 0);
}

/**
 * The client's second filter (PullAPIWrapper.processPullResult): with a tag list, only messages
 * whose TAGS is exactly one of the tags pass (messages without tags do not); without one, all pass.
 */
export function clientTagFilterMatches(subscription: SubscriptionData, tags: string | undefined): boolean {
  if (subscription.tagsSet.length === 0 || subscription.classFilterMode === true) return true;
  return tags !== undefined && subscription.tagsSet.includes(tags);
}
