import { beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { buildPackage, ROOT } from "../helpers/built-package.ts";

/*
 * `instanceof` between two copies of the library in one process: the sources (src/errors.ts) and
 * the Node build (dist/errors.js), as when two versions are installed or a bundle carries its own.
 * Every class of each copy is checked against every class of the other, both ways; the expected
 * answer is the ordinary prototype answer within one copy, so nothing is listed by hand.
 */

type ErrorClass = (abstract new (...args: never[]) => Error) & { name: string };
type Copy = Record<string, ErrorClass>;

let sources: Copy;
let built: Copy;
beforeAll(async () => {
  buildPackage();
  sources = await import(join(ROOT, "src/errors.ts"));
  built = await import(join(ROOT, "dist/errors.js"));
});

const classesOf = (copy: Copy): ErrorClass[] => Object.values(copy).filter((v): v is ErrorClass => typeof v === "function");
/** Every constructor takes two leading arguments (a code, address or message, then a message or options). */
const make = (cls: ErrorClass): Error => Reflect.construct(cls, ["x", "y"]) as Error;
const ordinary = (value: unknown, cls: ErrorClass): boolean => Function.prototype[Symbol.hasInstance].call(cls, value);

test("two copies are two sets of classes with the same names", () => {
  expect(classesOf(built).map((c) => c.name)).toEqual(classesOf(sources).map((c) => c.name));
  expect(classesOf(sources).length).toBeGreaterThanOrEqual(13);
  for (const cls of classesOf(sources)) expect(built[cls.name]).not.toBe(cls);
});

test("an error of either copy is an instance of a class of the other exactly when it is within its own", () => {
  for (const [from, to] of [[sources, built], [built, sources]] as const) {
    for (const made of classesOf(from)) {
      const error = make(made);
      for (const asked of classesOf(to)) {
        const expected = ordinary(error, from[asked.name]!);
        expect(`${made.name} instanceof other ${asked.name}: ${error instanceof asked}`).toBe(`${made.name} instanceof other ${asked.name}: ${expected}`);
      }
    }
  }
});

test("subclasses of your own keep prototype semantics; other values are never instances", () => {
  for (const [mine, other] of [[sources, built], [built, sources]] as const) {
    class MyTimeout extends (mine.RemotingTimeoutError as unknown as new (addr: string, timeoutMs: number) => Error) {}
    const own = new MyTimeout("a:1", 5);
    expect(own instanceof MyTimeout).toBe(true);
    expect(own instanceof other.RemotingTimeoutError!).toBe(true);
    expect(own instanceof other.RemotingError!).toBe(true);
    expect(own instanceof other.RemotingConnectError!).toBe(false);
    expect(make(mine.RemotingTimeoutError!) instanceof MyTimeout).toBe(false);
    expect(make(other.RemotingTimeoutError!) instanceof MyTimeout).toBe(false);
    for (const value of [null, undefined, 1, "RemotingError", {}, new Error("x"), Object.create(null)]) {
      for (const cls of classesOf(other)) expect(value instanceof cls).toBe(false);
    }
  }
});
