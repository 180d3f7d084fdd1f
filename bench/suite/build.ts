import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleForNode } from "../../scripts/node-bundle.ts";
import type { Harness } from "./targets.ts";

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) failed: ${(r.stderr || r.stdout || "").trim()}`);
  return r.stdout.trim();
}

/** The library's Node build (dist/) in `root`. */
export function buildLibrary(root: string): void {
  run("npm", ["run", "--silent", "build"], root);
}

/** Node bundles of the bench processes (Node 20 cannot run TypeScript), the I/O workers' setup module among them. */
export function bundleHarness(h: Pick<Harness, "root" | "nodeBuild">): Promise<void> {
  const entries = ["client.ts", "load-process.ts", "server.ts", "io-server.ts", "io-setup.ts", "raw-server.ts"];
  return bundleForNode(entries.map((f) => `${h.root}bench/e2e/${f}`), h.nodeBuild);
}

/** A library revision checked out for compare mode. */
export interface Revision {
  /** Short commit hash (what the tables show). */
  name: string;
  root: string;
  /** dist/node.js exists (revisions before the Node build have none). */
  hasNodeBuild: boolean;
}

/**
 * Checks `rev` out into a temporary git worktree, sharing this tree's node_modules, and builds it.
 * `cleanup()` removes every worktree made; it runs on exit and on Ctrl-C too.
 */
export class Revisions {
  private readonly made: string[] = [];
  private base: string | null = null;

  constructor(private readonly root: string) {
    const cleanup = (): void => this.cleanup();
    process.once("exit", cleanup);
    process.once("SIGINT", () => {
      cleanup();
      process.exit(130);
    });
  }

  checkout(rev: string): Revision {
    const name = run("git", ["rev-parse", "--short", `${rev}^{commit}`], this.root);
    this.base ??= mkdtempSync(join(tmpdir(), "bun-remoting-compare-"));
    const dir = join(this.base, name);
    run("git", ["worktree", "add", "--detach", dir, name], this.root);
    this.made.push(dir);
    symlinkSync(join(this.root, "node_modules"), join(dir, "node_modules"));
    try {
      buildLibrary(`${dir}/`);
    } catch {
      // No build script at that revision: only its Bun sources can be measured.
    }
    return { name, root: `${dir}/`, hasNodeBuild: existsSync(join(dir, "dist", "node.js")) };
  }

  cleanup(): void {
    for (const dir of this.made.splice(0)) spawnSync("git", ["worktree", "remove", "--force", dir], { cwd: this.root });
    if (this.base !== null) rmSync(this.base, { recursive: true, force: true });
    this.base = null;
    spawnSync("git", ["worktree", "prune"], { cwd: this.root });
  }
}
