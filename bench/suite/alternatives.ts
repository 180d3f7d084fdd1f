import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AlternativeReport } from "./results.ts";

/**
 * Other public implementations of the RocketMQ remoting protocol for Node on npm, and whether the
 * suite can compare with them. Those that can are installed on demand into a git-ignored folder
 * (nothing of theirs is committed); the others are listed with the reason, as found when this
 * list was made (2026-11-21, Node 20.20, Linux x64).
 */

/** ali-ons: Aliyun's pure-JavaScript RocketMQ client; its Channel calls any request code. */
export const ALI_ONS_VERSION = "3.12.0";

export const NOT_COMPARED: AlternativeReport[] = [
  {
    name: "rocketmq-nodejs",
    version: "1.1.2",
    status: "unusable",
    reason:
      "Installs (prebuilt rocketmq-client-cpp addon) and loads on Node 20, but offers only a Producer and a PushConsumer: it cannot call an arbitrary request code, nor host a server. Comparing it needs a NameServer and Broker emulation to send messages to, which the suite does not have yet.",
  },
  {
    name: "apache-rocketmq",
    version: "1.0.0-rc1",
    status: "unusable",
    reason:
      "apache/rocketmq-client-nodejs, a binding of the C++ client: its install script refuses Node 20 (it asserts Node 8 to 10), then downloads the C++ library from outside the npm registry and builds with node-gyp.",
  },
  {
    name: "nodejs-rocketmq-client",
    version: "1.0.0",
    status: "unusable",
    reason: "Does not install: npm cannot resolve its dependency typedarray.prototype.slice@^1.0.6; its install script also downloads a native library and runs node-gyp.",
  },
  {
    name: "rocketmq-client-nodejs",
    version: "1.0.8",
    status: "unusable",
    reason: "apache/rocketmq-clients' Node client speaks gRPC to a RocketMQ 5 Proxy, not the remoting protocol.",
  },
];

/**
 * Installs ali-ons into `dir` (once; later runs reuse it). Returns its folder, or the reason it
 * could not be had (offline, registry refusal...).
 */
export function installAliOns(dir: string): { dir: string; version: string } | { error: string } {
  const manifest = `${dir}node_modules/ali-ons/package.json`;
  const installed = (): string | null => (existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version : null);
  if (installed() !== ALI_ONS_VERSION) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}package.json`, `${JSON.stringify({ private: true, description: "alternatives the benchmark suite compares with (npm run bench); not committed", dependencies: { "ali-ons": ALI_ONS_VERSION } }, null, 2)}\n`);
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, encoding: "utf8", timeout: 180_000 });
    if (r.status !== 0) return { error: `npm install ali-ons@${ALI_ONS_VERSION} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" ")}` };
  }
  const version = installed();
  return version === null ? { error: "ali-ons did not install" } : { dir, version };
}
