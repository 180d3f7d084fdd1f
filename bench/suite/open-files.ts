import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { BenchCase } from "../e2e/cases.ts";

/**
 * Open files: Bun and Node raise their soft limit to the hard one at start, so a process may hold
 * as many sockets as the hard limit allows, less what the runtime holds itself.
 */

/** Descriptors a bench process holds besides its connections (stdio, pipes, the runtime's own). */
export const SPARE_FILES = 64;

/** The hard limit on open files of the processes this one starts; null when unknown (no limit checked). */
export function openFilesLimit(): number | null {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    const hard = line?.trim().split(/\s+/)[4];
    if (hard !== undefined) return hard === "unlimited" ? Infinity : Number(hard);
  } catch {
    // not Linux: ask the shell
  }
  const r = spawnSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" });
  const value = r.stdout?.trim();
  if (r.status !== 0 || !value) return null;
  return value === "unlimited" ? Infinity : Number(value);
}

/** Sockets the busiest process of a case holds: a client process its share, the server all of them. */
export const filesNeeded = (c: BenchCase): number => c.connections + SPARE_FILES;

/** Whether the case's processes can open its connections under `limit` (null: unknown, assumed so). */
export const fitsOpenFiles = (c: BenchCase, limit: number | null): boolean => limit === null || filesNeeded(c) <= limit;
