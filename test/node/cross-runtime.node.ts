import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as lib from "bun-remoting";
import type { RemotingClient } from "../../src/surface.ts";
import { ScenarioHarness } from "../scenarios/harness.ts";
import { referenceChecks, referenceClient, startReferenceServer } from "../scenarios/reference.ts";

// Cross-runtime: this process is Node with the built package; the other end is Bun running the
// sources (test/scenarios/peer.ts) as a child process. Only the wire is shared.

const bun = fileURLToPath(new URL("../node_modules/.bin/bun", import.meta.url));
const bunPeer = { command: bun, args: [fileURLToPath(new URL("../test/scenarios/peer.ts", import.meta.url))] };
const fixtures = fileURLToPath(new URL("../test/fixtures", import.meta.url));

describe("a Node client (dist) against a Bun server (src)", () => {
  const h = new ScenarioHarness(lib, bunPeer, fixtures);
  let client: RemotingClient;
  let addr = "";
  before(async () => {
    const peer = await h.startPeer(["serve"]);
    const port = /^LISTENING (\d+)$/.exec(peer.firstLine)?.[1];
    assert.ok(port !== undefined, `unexpected first line from the Bun server: ${peer.firstLine}`);
    addr = `127.0.0.1:${port}`;
    client = referenceClient(lib);
    h.defer(() => client.shutdown());
  });
  after(() => h.cleanup());
  for (const check of referenceChecks) test(check.name, { timeout: 20_000 }, () => check.run(lib, client, addr));
});

describe("a Bun client (src) against a Node server (dist)", () => {
  test("every reference check passes", { timeout: 60_000 }, async () => {
    const h = new ScenarioHarness(lib, bunPeer, fixtures);
    try {
      const server = await startReferenceServer(lib);
      h.defer(() => server.shutdown());
      const result = await h.runPeer(["check", h.addrOf(server)], 50_000);
      assert.equal(result.code, 0, `the Bun client failed:\n${result.stdout}\n${result.stderr}`);
      const passed = result.stdout.split("\n").filter((line) => line.startsWith("PASS "));
      assert.deepEqual(passed, referenceChecks.map((c) => `PASS ${c.name}`));
    } finally {
      await h.cleanup();
    }
  });
});
