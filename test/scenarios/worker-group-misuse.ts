import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { WorkerExecutorGroup } from "../../src/surface.ts";
import { rejectionOf, within } from "../helpers/promises.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 30;
const MISSING = 31;

/** A group of one worker on the fixture module (it exports echo, throws and crash), shut down after the scenario. */
function workerGroup(h: ScenarioHarness): WorkerExecutorGroup {
  const workers = new h.lib.WorkerExecutorGroup({ module: pathToFileURL(join(h.fixtures, "worker-processors.mjs")), size: 1, logger: h.lib.silentLogger });
  h.defer(() => workers.shutdown());
  return workers;
}

// The outside test: a function processor registered with a WorkerExecutorGroup was accepted and then
// answered SYSTEM_ERROR forever; a processor name the worker module does not export was only found
// per request. Both are now refused up front.
export const workerGroupMisuse = group("worker groups refuse what they cannot run, up front", (scenario) => {
  scenario("registerProcessor(code, aFunction, group) and registerDefaultProcessor(aFunction, group) throw a TypeError at once", async (h) => {
    const workers = workerGroup(h);
    const server = h.newServer();
    assert.throws(() => server.registerProcessor(ECHO, h.echo, workers), TypeError);
    assert.throws(() => server.registerProcessor(ECHO, { processRequest: h.echo }, workers), TypeError);
    assert.throws(() => server.registerDefaultProcessor(h.echo, workers), TypeError);
    assert.throws(() => h.client().registerProcessor(ECHO, h.echo, workers), TypeError);
  });

  scenario("a registered name the module does not export: server.start() and client.start() (processors for server-to-client requests) reject naming it", async (h) => {
    const workers = workerGroup(h);
    const server = h.newServer();
    const client = h.client();
    for (const endpoint of [server, client]) {
      endpoint.registerProcessor(ECHO, "echo", workers);
      endpoint.registerProcessor(MISSING, "noSuchExport", workers);
    }
    for (const [what, endpoint] of [["server", server], ["client", client]] as const) {
      const notStarted = await within(rejectionOf(endpoint.start()), 10_000, `${what}.start()`);
      assert.ok(notStarted instanceof h.lib.RemotingWorkerError, `${what}: ${String(notStarted)}`);
      assert.match(notStarted.message, /noSuchExport/);
    }
  });

  // The outside test: the group kept every name ever registered with it and failed as a whole for
  // one its module lacks, so a later server using only good names could not start, nor could one
  // that replaced the bad name before starting.
  scenario("a bad name is the registering endpoint's problem only: a name replaced before start() is not checked, and other endpoints on the group start and are served", async (h) => {
    const workers = workerGroup(h); // all registered before its module has loaded, so nothing is refused at registration
    const failed = h.newServer();
    failed.registerProcessor(MISSING, "noSuchExport", workers);
    const replaced = h.newServer();
    replaced.registerProcessor(ECHO, "noSuchExport", workers);
    replaced.registerProcessor(ECHO, "echo", workers);
    const other = h.newServer();
    other.registerProcessor(ECHO, "echo", workers);
    assert.match((await within(rejectionOf(failed.start()), 10_000, "the failing start()")).message, /noSuchExport/);
    await failed.shutdown();
    for (const server of [replaced, other]) {
      await within(server.start(), 10_000, "start()");
      const answer = await h.client().invokeSync(h.addrOf(server), h.lib.createRequest(ECHO, { body: "via the group" }), 5000);
      assert.equal(answer.code, 0, answer.remark ?? "");
      assert.equal(new TextDecoder().decode(answer.body!), "via the group");
    }
  });

  scenario("a group that is ready already: a name its module does not export is refused at registration or by start(), naming it", async (h) => {
    const workers = workerGroup(h);
    await within(workers.ready(), 10_000, "group.ready()");
    const server = h.newServer();
    server.registerProcessor(ECHO, "echo", workers);
    let refusal: Error;
    try {
      server.registerProcessor(MISSING, "noSuchExport", workers);
      refusal = await within(rejectionOf(server.start()), 10_000, "server.start()");
    } catch (error) {
      refusal = error as Error;
    }
    assert.match(refusal.message, /noSuchExport/);
  });
});
