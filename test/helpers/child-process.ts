import { fileURLToPath } from "node:url";

export interface FixtureRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when it did not exit by itself within the limit and was killed. */
  killed: boolean;
}

/** Runs a fixture script in a child Bun process, killing it if it has not exited after `limitMs`. */
export async function runFixture(fixture: URL, args: string[] = [], limitMs = 10_000): Promise<FixtureRun> {
  const child = Bun.spawn([process.execPath, fileURLToPath(fixture), ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env } });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill(9);
  }, limitMs);
  const code = await child.exited;
  clearTimeout(timer);
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  return { code, stdout, stderr, killed };
}
