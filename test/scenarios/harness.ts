import { spawn, type ChildProcess } from "node:child_process";
import type { RemotingServer } from "../../src/surface.ts";
import { runProcess, type ProcessRun } from "../helpers/child-process.ts";
import { addrOf, EndpointHarness, echoProcessor } from "../helpers/endpoint-harness.ts";
import { within } from "../helpers/promises.ts";
import type { Lib } from "./scenario.ts";

/** How to run test/scenarios/peer.ts: a runtime, the script, and the arguments that pick the library build. */
export interface PeerCommand {
  command: string;
  args: string[];
}

/** A peer process that keeps running (a server); stopped by the harness. */
export interface RunningPeer {
  child: ChildProcess;
  /** The first line of its stdout ("LISTENING <port>"). */
  firstLine: string;
}

/**
 * A scenario's world: servers and clients of the library under test, raw peers, child processes
 * of the same runtime, all closed after the scenario.
 */
export class ScenarioHarness extends EndpointHarness {
  /** Echoes the request back with remark "Hi <addr>". */
  readonly echo: ReturnType<typeof echoProcessor>;

  constructor(
    readonly lib: Lib,
    private readonly peer: PeerCommand,
    /** Absolute path of test/fixtures. */
    readonly fixtures: string,
  ) {
    super(lib);
    this.echo = echoProcessor(lib.createResponse);
  }

  addrOf(server: RemotingServer | { port: number }): string {
    return addrOf(server);
  }

  /** Runs the peer script to completion (killed after `timeoutMs`). */
  runPeer(args: string[], timeoutMs: number): Promise<ProcessRun> {
    return runProcess(this.peer.command, [...this.peer.args, ...args], timeoutMs);
  }

  /** Starts the peer script and waits for its first line; it is killed after the scenario. */
  async startPeer(args: string[], timeoutMs = 10_000): Promise<RunningPeer> {
    const child = spawn(this.peer.command, [...this.peer.args, ...args], { stdio: ["pipe", "pipe", "inherit"] });
    this.defer(() => stopPeer(child));
    let buffered = "";
    const firstLine = new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        buffered += chunk;
        const eol = buffered.indexOf("\n");
        if (eol >= 0) resolve(buffered.slice(0, eol));
      });
      child.on("close", (code) => reject(new Error(`peer exited with ${code} before its first line`)));
    });
    return { child, firstLine: await within(firstLine, timeoutMs, "the peer's first line") };
  }
}

/** Closes the peer's stdin (its signal to shut down) and kills it if it lingers. */
async function stopPeer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("close", resolve));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}
