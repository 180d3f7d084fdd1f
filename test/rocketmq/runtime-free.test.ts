import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

// src/protocol, src/core and src/rocketmq run on any runtime: no sockets, threads or files.
const FORBIDDEN = /from "(bun|bun:[a-z]+|node:(net|tls|fs|fs\/promises|worker_threads|child_process|dgram|http|https))"/;
const src = join(import.meta.dir, "../../src");

/** Every .ts file under `dir`, subfolders included. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

test("the runtime-free layers import no runtime's sockets, threads or files", () => {
  const offenders: string[] = [];
  for (const dir of ["protocol", "core", "rocketmq"]) {
    for (const file of sources(join(src, dir))) {
      const source = readFileSync(file, "utf8");
      if (FORBIDDEN.test(source) || /\bBun\./.test(source)) offenders.push(relative(src, file));
    }
  }
  expect(offenders).toEqual([]);
});

test("only rocketmq/message/zlib-compression.ts imports node:zlib: the message codecs stay pure", () => {
  const importers = sources(join(src, "rocketmq"))
    .filter((file) => /from "node:zlib"/.test(readFileSync(file, "utf8")))
    .map((file) => relative(src, file));
  expect(importers).toEqual(["rocketmq/message/zlib-compression.ts"]);
});
