import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// src/protocol, src/core and src/rocketmq run on any runtime: no sockets, threads or files.
const FORBIDDEN = /from "(bun|bun:[a-z]+|node:(net|tls|fs|fs\/promises|worker_threads|child_process|dgram|http|https))"/;

test("the runtime-free layers import no runtime's sockets, threads or files", () => {
  const offenders: string[] = [];
  for (const dir of ["protocol", "core", "rocketmq"]) {
    const root = join(import.meta.dir, "../../src", dir);
    for (const name of readdirSync(root, { recursive: true }) as string[]) {
      if (!name.endsWith(".ts")) continue;
      const source = readFileSync(join(root, name), "utf8");
      if (FORBIDDEN.test(source) || /\bBun\./.test(source)) offenders.push(`${dir}/${name}`);
    }
  }
  expect(offenders).toEqual([]);
});
