import { describe, expect, test } from "bun:test";
import { MQClientError } from "../../src/index.ts";
import { brokerTagFilterMatches, buildSubscriptionData, clientTagFilterMatches, javaStringHashCode, tagsCodeOf } from "../../src/rocketmq/index.ts";
import { javaRules } from "../helpers/java-rules.ts";

const sortedStrings = (a: string[]): string[] => [...a].sort();
const sortedNumbers = (a: number[]): number[] => [...a].sort((x, y) => x - y);

describe("tag hash codes (Java's String.hashCode)", () => {
  test("Java's values, wrap-around and surrogate pairs included", () => {
    for (const { s, hashCode } of javaRules.stringHashCode) expect({ s, hash: javaStringHashCode(s) }).toEqual({ s, hash: hashCode });
  });

  test("a broker indexes no tags as 0", () => {
    expect(tagsCodeOf(undefined)).toBe(0);
    expect(tagsCodeOf("")).toBe(0);
    expect(tagsCodeOf("TagA")).toBe(2598919);
  });
});

describe("FilterAPI.buildSubscriptionData", () => {
  test("Java's results on edge cases: trimming, empty pieces, '*', duplicates, '|' runs, Unicode", () => {
    expect(javaRules.buildSubscriptionData.length).toBeGreaterThan(15);
    for (const c of javaRules.buildSubscriptionData) {
      if ("error" in c) {
        expect(() => buildSubscriptionData("T", c.expression)).toThrow(MQClientError);
        continue;
      }
      const s = buildSubscriptionData("T", c.expression, { subVersion: 1 });
      // Java's sets are HashSets: compare as sets.
      expect({ e: c.expression, subString: s.subString, tags: sortedStrings(s.tagsSet), codes: sortedNumbers(s.codeSet) }).toEqual({
        e: c.expression,
        subString: c.subString,
        tags: sortedStrings(c.tagsSet),
        codes: sortedNumbers(c.codeSet),
      });
    }
  });

  test("the whole object as fastjson writes it; subVersion now by default; null subscribes to everything", () => {
    const before = Date.now();
    const s = buildSubscriptionData("T1", "A || B");
    expect(s.subVersion).toBeGreaterThanOrEqual(before);
    expect(s).toEqual({ classFilterMode: false, topic: "T1", subString: "A || B", tagsSet: ["A", "B"], codeSet: [65, 66], subVersion: s.subVersion, expressionType: "TAG" });
    expect(buildSubscriptionData("T1", null, { subVersion: 5 })).toEqual({ classFilterMode: false, topic: "T1", subString: "*", tagsSet: [], codeSet: [], subVersion: 5, expressionType: "TAG" });
    // Two tags with one hash code keep both tags and one code.
    expect(buildSubscriptionData("T", "Aa || BB", { subVersion: 0 }).codeSet).toEqual([2112]);
  });

  test("SQL92: the expression is kept as it is and may not be empty", () => {
    expect(buildSubscriptionData("T", "a > 5", { expressionType: "SQL92", subVersion: 1 })).toMatchObject({ subString: "a > 5", tagsSet: [], codeSet: [], expressionType: "SQL92" });
    expect(() => buildSubscriptionData("T", "", { expressionType: "SQL92" })).toThrow(MQClientError);
  });
});

describe("tag filters", () => {
  const sub = buildSubscriptionData("T", "TagA || Aa", { subVersion: 1 });
  const all = buildSubscriptionData("T", "*", { subVersion: 1 });

  test("broker (by hash code): '*' passes all; otherwise codeSet, so no tags never pass and collisions do", () => {
    expect(brokerTagFilterMatches(all, tagsCodeOf(undefined))).toBe(true);
    expect(brokerTagFilterMatches(sub, tagsCodeOf("TagA"))).toBe(true);
    expect(brokerTagFilterMatches(sub, tagsCodeOf("TagB"))).toBe(false);
    expect(brokerTagFilterMatches(sub, tagsCodeOf(undefined))).toBe(false);
    expect(brokerTagFilterMatches(sub, tagsCodeOf("BB"))).toBe(true); // "BB".hashCode() == "Aa".hashCode()
    // A tag code kept as a long compares by its int value, as Java's intValue().
    expect(brokerTagFilterMatches(sub, 2598919 + 2 ** 32)).toBe(true);
    expect(brokerTagFilterMatches({ ...sub, classFilterMode: true }, 1)).toBe(true);
    expect(brokerTagFilterMatches({ ...sub, expressionType: "SQL92" }, 1)).toBe(true);
  });

  test("client (by string): exact tags only, so the collision and tagless messages are dropped; '*' keeps all", () => {
    expect(clientTagFilterMatches(sub, "TagA")).toBe(true);
    expect(clientTagFilterMatches(sub, "BB")).toBe(false);
    expect(clientTagFilterMatches(sub, undefined)).toBe(false);
    expect(clientTagFilterMatches(sub, " TagA")).toBe(false);
    expect(clientTagFilterMatches(all, undefined)).toBe(true);
  });
});
