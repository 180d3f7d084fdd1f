import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequest, defaultLogger, RemotingServer, type Logger } from "../../src/index.ts";
import { addrOf, useHarness, waitFor } from "../helpers/harness.ts";
import { ManualTimers } from "../helpers/manual-timers.ts";

const THROW = 11;

const h = useHarness();

/** A logger that records every call, level by level. */
function capture(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("logging", () => {
  test("the default logger is silent except warnings and errors, which go to the console", () => {
    const seen: string[] = [];
    const { warn, error, log, info, debug } = console;
    console.warn = (...args: unknown[]) => void seen.push(`warn ${args.join(" ")}`);
    console.error = (...args: unknown[]) => void seen.push(`error ${args.join(" ")}`);
    console.log = console.info = console.debug = (...args: unknown[]) => void seen.push(`other ${args.join(" ")}`);
    try {
      defaultLogger.debug("d");
      defaultLogger.info("i");
      defaultLogger.warn("w");
      defaultLogger.error("e");
    } finally {
      Object.assign(console, { warn, error, log, info, debug });
    }
    expect(seen).toEqual(["warn [bun-remoting] w", "error [bun-remoting] e"]);
  });

  test("library code never writes to the console itself (only the default logger and the CLI do)", () => {
    const root = join(import.meta.dir, "../../src");
    const offenders = sourceFiles(root)
      .filter((file) => !file.endsWith("core/observability/logger.ts") && !file.includes(`${join("src", "cli")}`))
      .filter((file) => /\bconsole\.\w+\(/.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });

  test("any object with debug/info/warn/error is a logger (console, pino...); anything else is refused by name", () => {
    expect(() => new RemotingServer({ logger: console })).not.toThrow();
    const pinoLike = { level: "info", debug() {}, info() {}, warn() {}, error() {}, child() {} };
    expect(() => new RemotingServer({ logger: pinoLike })).not.toThrow();
    expect(() => new RemotingServer({ logger: { warn() {} } as never })).toThrow('option "logger" must be an object with debug, info, warn and error methods');
  });

  test("garbage from 40 connections: the warnings a peer can trigger are rate-limited", async () => {
    const logger = capture();
    const server = await h.server({ logger });
    const peers = await Promise.all(Array.from({ length: 40 }, () => h.rawClient(server.port)));
    for (const peer of peers) await peer.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await Promise.all(peers.map((p) => p.closed.promise));
    const warnings = logger.lines.filter((l) => l.level === "warn");
    expect(warnings.length).toBe(10);
    expect(warnings[0]!.message).toContain("an HTTP client is talking to this port");
  });

  test("a processor failing on every request: 10 warnings per window, then a count of what was held back", async () => {
    const timers = new ManualTimers();
    const logger = capture();
    const server = await h.server({ logger, timers }, (s) =>
      s.registerProcessor(THROW, () => {
        throw new Error("bad input");
      }),
    );
    const client = h.client();
    for (let i = 0; i < 30; i++) await client.invokeSync(addrOf(server), createRequest(THROW), 3000);
    expect(logger.lines.filter((l) => l.level === "warn").length).toBe(10);
    timers.advance(10_000);
    await client.invokeSync(addrOf(server), createRequest(THROW), 3000);
    await waitFor(() => logger.lines.length === 11, "the next window's first warning");
    expect(logger.lines[10]!.message).toContain("processor for code 11");
    expect(logger.lines[10]!.message).toContain("bad input");
    expect(logger.lines[10]!.message).toContain("(20 similar messages suppressed before this one)");
  });
});
