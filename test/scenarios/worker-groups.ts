import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { group } from "./scenario.ts";

const ECHO = 30;
const THROWS = 31;
const CRASH = 32;

// Worker executor groups on this runtime (README "Worker executor groups"): they run on
// node:worker_threads, so the built package must serve them under Node as well as Bun.
export const workerGroups = group("worker executor groups", (scenario) => {
  scenario("a group of 2 answers concurrent calls with their own bodies; a throwing processor is SYSTEM_ERROR; a crashed worker is replaced", async (h) => {
    const workers = new h.lib.WorkerExecutorGroup({ module: pathToFileURL(join(h.fixtures, "worker-processors.mjs")), size: 2, queueCapacity: 1000, logger: h.lib.silentLogger });
    h.defer(() => workers.shutdown());
    const server = await h.server({}, (s) => {
      s.registerProcessor(ECHO, "echo", workers);
      s.registerProcessor(THROWS, "throws", workers);
      s.registerProcessor(CRASH, "crash", workers);
    });
    const client = h.client();
    const addr = h.addrOf(server);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client.invokeSync(addr, h.lib.createRequest(ECHO, { body: new Uint8Array([i & 255, i >> 8]), extFields: { i: String(i) } }), 10_000)),
    );
    answers.forEach((a, i) => {
      assert.equal(a.code, 0);
      assert.match(a.remark!, /^worker [01]$/);
      assert.deepEqual(a.extFields, { i: String(i) });
      assert.deepEqual(Array.from(a.body!), [i & 255, i >> 8]);
    });
    const failed = await client.invokeSync(addr, h.lib.createRequest(THROWS), 10_000);
    assert.equal(failed.code, h.lib.RemotingSysResponseCode.SYSTEM_ERROR);
    assert.match(failed.remark!, /no such topic/);
    const crashed = await client.invokeSync(addr, h.lib.createRequest(CRASH), 10_000);
    assert.equal(crashed.code, h.lib.RemotingSysResponseCode.SYSTEM_ERROR);
    const after = await Promise.all(Array.from({ length: 20 }, () => client.invokeSync(addr, h.lib.createRequest(ECHO), 10_000)));
    assert.ok(after.every((a) => a.code === 0));
  }, 30_000);
});
