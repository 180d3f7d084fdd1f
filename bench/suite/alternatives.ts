import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AlternativeReport } from "./results.ts";

/**
 * Other public implementations of the RocketMQ remoting protocol for Node on npm, and whether the
 * suite can compare with them. Those that can are installed on demand, each into its own folder
 * under a git-ignored one (nothing of theirs is committed); the others are listed with the reason,
 * as found when this list was made (2026-11-21, Node 20.20, Linux x64).
 */

export interface Alternative {
  name: "ali-ons" | "rocketmq-nodejs";
  version: string;
  /** What it is and how the suite uses it (shown on the page). */
  about: string;
}

export const COMPARED: readonly Alternative[] = [
  {
    name: "ali-ons",
    version: "3.12.0",
    about:
      "Aliyun's RocketMQ client in pure JavaScript; its Channel is a remoting client (JSON headers only; one socket write and one timer per request). Measured on Node against this library's Node-build server on the JSON echo cases, and its Producer on the send cases (against BrokerLite, like every producer measured).",
  },
  {
    name: "rocketmq-nodejs",
    version: "1.1.2",
    about:
      "Apache rocketmq-client-cpp as a prebuilt Node addon, with a Producer and a PushConsumer only. Its Producer sends to BrokerLite (the send cases), next to this library's Producer and ali-ons' sending to the same broker.",
  },
];

export const NOT_COMPARED: readonly AlternativeReport[] = [
  {
    name: "apache-rocketmq",
    version: "1.0.0-rc1",
    status: "unusable",
    reason:
      "apache/rocketmq-client-nodejs, an older binding of the C++ client: its install script refuses Node 20 (it asserts Node 8 to 10), then downloads the C++ library from outside the npm registry and builds with node-gyp.",
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
 * Installs `alt` into `<base><name>/` (once; later runs reuse it). Returns that folder, or the
 * reason the package could not be had (offline, registry refusal, no build for this platform).
 */
export function install(base: string, alt: Alternative): { dir: string } | { error: string } {
  const dir = `${base}${alt.name}/`;
  const manifest = `${dir}node_modules/${alt.name}/package.json`;
  const installed = (): string | null => (existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version : null);
  if (installed() !== alt.version) {
    mkdirSync(dir, { recursive: true });
    const pkg = { private: true, description: "installed by the benchmark suite (npm run bench) to compare with; not committed", dependencies: { [alt.name]: alt.version } };
    writeFileSync(`${dir}package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, encoding: "utf8", timeout: 180_000 });
    if (r.status !== 0) return { error: `npm install ${alt.name}@${alt.version} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" ")}` };
  }
  return installed() === alt.version ? { dir } : { error: `${alt.name}@${alt.version} did not install` };
}
