import { fileURLToPath } from "node:url";
import type { Subprocess } from "bun";
import { createRequest, type RemotingClient } from "../../src/index.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/server-process.ts", import.meta.url));

export const ChildCode = { ECHO: 10, SLOW: 11, BIG: 13, ASYNC: 14, STATS: 99 } as const;

export interface ChildStats {
  heapUsed: number;
  rss: number;
  connections: number;
  slowInFlight: number;
  processed: number;
}

/** test/fixtures/server-process.ts, started as a child process (always killed by the harness's cleanup). */
export class ChildServer {
  private constructor(
    readonly proc: Subprocess<"ignore", "pipe", "inherit">,
    readonly port: number,
  ) {}

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the server (on `port`, 0 for any) and resolves once it listens. */
  static async start(options: Record<string, unknown> = {}, port = 0): Promise<ChildServer> {
    const proc = Bun.spawn([process.execPath, FIXTURE, String(port), JSON.stringify(options)], { stdout: "pipe", stderr: "inherit", stdin: "ignore" });
    const reader = proc.stdout.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the server process exited before listening (code ${await proc.exited})`);
      text += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    return new ChildServer(proc, (JSON.parse(text.slice(0, text.indexOf("\n"))) as { port: number }).port);
  }

  /** Its memory after a forced GC, its connection count and counters. */
  async stats(client: RemotingClient): Promise<ChildStats> {
    const response = await client.invokeSync(this.addr, createRequest(ChildCode.STATS), 10_000);
    return JSON.parse(new TextDecoder().decode(response.body!)) as ChildStats;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<number> {
    this.proc.kill(signal);
    return this.proc.exited;
  }
}

export const MiB = 1024 * 1024;
export const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;

/** This process's memory after a forced GC. */
export function ownMemory(): { heapUsed: number; rss: number } {
  Bun.gc(true);
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}
