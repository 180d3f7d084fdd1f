import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when it did not exit by itself within the limit and was killed. */
  killed: boolean;
}

/** Runs `command` to completion, killing it if it has not exited after `limitMs`. On node:child_process, so both runtimes can use it. */
export async function runProcess(command: string, args: string[], limitMs: number): Promise<ProcessRun> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, limitMs);
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr, killed };
}

/** Runs a fixture script in a child process of this runtime, killing it if it has not exited after `limitMs`. */
export function runFixture(fixture: URL, args: string[] = [], limitMs = 10_000): Promise<ProcessRun> {
  return runProcess(process.execPath, [fileURLToPath(fixture), ...args], limitMs);
}
