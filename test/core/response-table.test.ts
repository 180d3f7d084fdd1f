import { describe, expect, test } from "bun:test";
import { Call, TurnEnd } from "../../src/core/outbound/call.ts";
import { ResponseTable } from "../../src/core/outbound/response-table.ts";
import { Random } from "../helpers/random.ts";

function call(opaque: number, deadline = 1000): Call {
  const c = new Call();
  c.opaque = opaque;
  c.turnEnd = Object.assign(new TurnEnd(), { at: 0 });
  c.timeoutMs = deadline;
  return c;
}

describe("ResponseTable", () => {
  test("a random mix of adds and removes agrees with a Map, through slot collisions and growth", () => {
    const rng = new Random(12);
    const table = new ResponseTable();
    const model = new Map<number, Call>();
    const live: number[] = []; // the pending opaques, oldest first
    let next = 1;
    for (let step = 0; step < 40_000; step++) {
      // Mostly recent calls are answered; the others stay pending for long, and the opaques issued
      // since then come round to their slots (about 300 calls in the overflow at most, with seed 12).
      if (live.length < 3000 && rng.int(0, 9) < 6) {
        const c = call(next++);
        table.add(c);
        model.set(c.opaque, c);
        live.push(c.opaque);
      } else if (live.length > 0) {
        const i = rng.int(0, 99) < 90 ? rng.int(Math.max(0, live.length - 50), live.length - 1) : rng.int(0, live.length - 1);
        const pick = live[i]!;
        live.splice(i, 1);
        const found = table.get(pick);
        expect(found).toBe(model.get(pick)!);
        table.remove(found!);
        model.delete(pick);
        expect(table.get(pick)).toBeUndefined();
      }
      expect(table.size).toBe(model.size);
    }
    for (const [opaque, c] of model) expect(table.get(opaque)).toBe(c);
  });

  test("get leaves the call in the table; a stale object or an unknown opaque finds nothing", () => {
    const table = new ResponseTable();
    const c = call(7);
    table.add(c);
    expect(table.get(7)).toBe(c);
    expect(table.get(7)).toBe(c);
    expect(table.size).toBe(1);
    expect(table.get(7 + 1024)).toBeUndefined(); // same slot, other opaque
    table.remove(call(7)); // another object with the same opaque: not the one in the table
    expect(table.size).toBe(1);
    table.remove(c);
    table.remove(c); // already gone: nothing happens
    expect(table.size).toBe(0);
    expect(table.get(7)).toBeUndefined();
  });

  test("a call whose slot is taken goes to the overflow and is found, removed and expired from there", () => {
    const table = new ResponseTable();
    const old = call(1, 10);
    const collider = call(1 + 1024, 20); // same slot while the table has 1024 slots
    table.add(old);
    table.add(collider);
    expect(table.get(1 + 1024)).toBe(collider);
    const { expired, earliestLeft } = table.expire(15);
    expect(expired).toEqual([old]);
    expect(earliestLeft).toBe(20);
    expect(table.get(1 + 1024)).toBe(collider);
    table.remove(collider);
    expect(table.get(1 + 1024)).toBeUndefined();
    expect(table.size).toBe(0);
  });
});
