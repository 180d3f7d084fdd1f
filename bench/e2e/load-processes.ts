import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { DriverSpec, JobCase, LoadCount, LoadJob } from "./job.ts";
import { pinned } from "./pinned.ts";

/** The load process's file next to this one's: .ts from the sources, .js in the Node bundle. */
const SCRIPT = new URL(`./load-process.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url).pathname;

interface Child {
  process: ChildProcess;
  /** The next line it prints. */
  next(): Promise<string>;
}

function start(command: string[]): Child {
  const child = spawn(command[0]!, command.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const queued: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  lines.on("line", (line) => (waiting.length > 0 ? waiting.shift()!(line) : queued.push(line)));
  child.on("exit", () => waiting.splice(0).forEach((w) => w(null)));
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const settle = (line: string | null): void => (line === null ? reject(new Error(`load process exited with ${child.exitCode}`)) : resolve(line));
      if (queued.length > 0) settle(queued.shift()!);
      else if (child.exitCode !== null) settle(null);
      else waiting.push(settle);
    });
  return { process: child, next };
}

/**
 * A case's other client processes, seen from the measuring one: each drives `c` (its share of the
 * case) against `port` from the moment start() resolves; begin() and finish() bracket the
 * measured span, finish() resolving with the requests they all completed in it.
 */
export class LoadProcesses {
  private constructor(private readonly children: Child[]) {}

  static async start(count: number, driver: DriverSpec, c: JobCase, port: number, cpus: readonly number[]): Promise<LoadProcesses> {
    const job: LoadJob = { driver, case: c, port };
    const children = Array.from({ length: count }, () => start(pinned(cpus, [process.execPath, SCRIPT, JSON.stringify(job)])));
    const processes = new LoadProcesses(children);
    try {
      for (const child of children) if ((await child.next()) !== "READY") throw new Error("load process did not start");
    } catch (error) {
      processes.kill();
      throw error;
    }
    return processes;
  }

  get pids(): number[] {
    return this.children.map((c) => c.process.pid!);
  }

  begin(): void {
    for (const child of this.children) child.process.stdin!.write("START\n");
  }

  async finish(): Promise<LoadCount> {
    for (const child of this.children) child.process.stdin!.write("STOP\n");
    const counts = await Promise.all(this.children.map(async (child) => JSON.parse(await child.next()) as LoadCount));
    await Promise.all(this.children.map((child) => (child.process.exitCode !== null ? null : new Promise((resolve) => child.process.once("exit", resolve)))));
    return counts.reduce((sum, c) => ({ requests: sum.requests + c.requests, errors: sum.errors + c.errors }), { requests: 0, errors: 0 });
  }

  kill(): void {
    for (const child of this.children) child.process.kill("SIGKILL");
  }
}
