import assert from "node:assert/strict";
import type { RemotingServer } from "../../src/surface.ts";
import { asyncCall, rejectionOf, waitFor } from "../helpers/promises.ts";
import { unusedPort } from "../helpers/unused-port.ts";
import { group } from "./scenario.ts";
import type { ScenarioHarness } from "./harness.ts";

const GET_ROUTE = 105;

/** A name server stand-in that says who it is. */
async function nameServer(h: ScenarioHarness, name: string): Promise<{ server: RemotingServer; addr: string }> {
  const server = await h.server({}, (s) => s.registerProcessor(GET_ROUTE, () => h.lib.createResponse(0, name)));
  return { server, addr: h.addrOf(server) };
}

// `null` as the address means "a name server" from updateNameServerAddressList, with
// failover to another one when the chosen one is down.
export const nameServers = group("name servers and failover", (scenario) => {
  scenario("sync, async and oneway calls with a null address go to the configured name server", async (h) => {
    const ns = await nameServer(h, "ns1");
    const client = h.client();
    client.updateNameServerAddressList([ns.addr]);
    assert.deepEqual(client.getNameServerAddressList(), [ns.addr]);
    for (let i = 0; i < 3; i++) assert.equal((await client.invokeSync(null, h.lib.createRequest(GET_ROUTE), 3000)).remark, "ns1");
    const { error, response } = await asyncCall((cb) => client.invokeAsync(null, h.lib.createRequest(GET_ROUTE), 3000, cb)).done;
    assert.equal(error, null);
    assert.equal(response!.remark, "ns1");
    await client.invokeOneway(null, h.lib.createRequest(GET_ROUTE), 3000);
    assert.equal(ns.server.stats.connections, 1, "one connection for every kind of call");
  });

  scenario("no name server configured, or all of them dead: RemotingConnectError", async (h) => {
    const client = h.client();
    assert.ok((await rejectionOf(client.invokeSync(null, h.lib.createRequest(GET_ROUTE), 2000))) instanceof h.lib.RemotingConnectError);
    client.updateNameServerAddressList([`127.0.0.1:${await unusedPort()}`, `127.0.0.1:${await unusedPort()}`]);
    assert.ok((await rejectionOf(client.invokeSync(null, h.lib.createRequest(GET_ROUTE), 2000))) instanceof h.lib.RemotingConnectError);
  });

  scenario("one refused and one live name server: every call succeeds, whichever is tried first", async (h) => {
    const live = await nameServer(h, "live");
    const dead = `127.0.0.1:${await unusedPort()}`;
    for (let trial = 0; trial < 4; trial++) {
      const client = h.client();
      client.updateNameServerAddressList([dead, live.addr]);
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) assert.equal((await client.invokeSync(null, h.lib.createRequest(GET_ROUTE), 2000)).remark, "live");
      assert.ok(performance.now() - t0 < 1500);
    }
  });

  scenario("when the chosen name server goes down, the next calls go to the other one", async (h) => {
    const a = await nameServer(h, "a");
    const b = await nameServer(h, "b");
    const client = h.client();
    let closes = 0;
    client.setChannelEventListener({ onChannelClose: () => closes++ });
    client.updateNameServerAddressList([a.addr, b.addr]);
    const first = (await client.invokeSync(null, h.lib.createRequest(GET_ROUTE), 3000)).remark;
    const [down, other] = first === "a" ? [a.server, "b"] : [b.server, "a"];
    await down.shutdown();
    await waitFor(() => closes === 1, "the client to see the connection close");
    for (let i = 0; i < 5; i++) assert.equal((await client.invokeSync(null, h.lib.createRequest(GET_ROUTE), 3000)).remark, other);
  });
});
