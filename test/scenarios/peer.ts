/**
 * A child process for scenarios and cross-runtime tests. Bun runs it from source; Node runs its
 * bundle (.test-build/peer.js). The library is the package itself, so under Bun it is src/ and
 * under Node the built dist/.
 *
 *   peer.ts [--lib=bun|node] serve                   the reference server; prints "LISTENING <port>",
 *                                                    shuts down when stdin closes
 *   peer.ts [--lib=bun|node] check <host:port>       the reference checks against such a server;
 *                                                    prints "PASS <name>" per check, exits 1 on failure
 *   peer.ts [--lib=bun|node] exit-after-shutdown <variant>   prints "done <variant>", must then exit by itself
 *
 * --lib=node picks the node:net build ("bun-remoting/node"); the default is the package root.
 */
import { exitAfterShutdown } from "./exit-after-shutdown.ts";
import { referenceChecks, referenceClient, startReferenceServer } from "./reference.ts";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--lib="));
const lib = process.argv.includes("--lib=node") ? await import("bun-remoting/node") : await import("bun-remoting");
const [mode, arg] = args;

if (mode === "serve") {
  const server = await startReferenceServer(lib);
  console.log(`LISTENING ${server.port}`);
  process.stdin.resume();
  process.stdin.on("end", () => void server.shutdown().then(() => process.exit(0)));
} else if (mode === "check") {
  const client = referenceClient(lib);
  try {
    for (const check of referenceChecks) {
      await check.run(lib, client, arg!);
      console.log(`PASS ${check.name}`);
    }
  } finally {
    await client.shutdown();
  }
} else if (mode === "exit-after-shutdown") {
  await exitAfterShutdown(lib, arg ?? "basic");
  console.log(`done ${arg ?? "basic"}`);
} else {
  console.error(`peer: unknown mode "${mode}"`);
  process.exit(2);
}
