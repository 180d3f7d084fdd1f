import { describe, expect, test } from "bun:test";
import { createRequest, createResponse, RemotingConnectError } from "../../src/index.ts";
import { addrOf, asyncCall, unusedPort, deferred, useHarness, rejectionOf, waitFor, within } from "../helpers/harness.ts";
import { SpyTransport } from "../helpers/spy-transport.ts";

const GET_ROUTE = 105;

const h = useHarness();
// See also test/scenarios/name-servers.ts (the same core on Bun sockets, node:net and Node).

/** A name server stand-in that says who it is. */
async function nameServer(name: string) {
  const events = { connects: 0, closes: 0 };
  const server = await h.server({}, (s) => {
    s.registerProcessor(GET_ROUTE, () => createResponse(0, name));
    s.setChannelEventListener({ onChannelConnect: () => events.connects++, onChannelClose: () => events.closes++ });
  });
  return { server, events, addr: addrOf(server) };
}

// `null` as the address means "a name server" from updateNameServerAddressList, kept while
// its connection is up; with none configured the call fails with RemotingConnectError.
describe("name server calls", () => {
  test("no name server configured: RemotingConnectError at once", async () => {
    const client = h.client();
    const t0 = performance.now();
    const error = await rejectionOf(client.invokeSync(null, createRequest(GET_ROUTE), 2000));
    expect(error).toBeInstanceOf(RemotingConnectError);
    expect(performance.now() - t0).toBeLessThan(200);
    const asyncError = (await asyncCall((cb) => client.invokeAsync(null, createRequest(GET_ROUTE), 2000, cb)).done).error;
    expect(asyncError).toBeInstanceOf(RemotingConnectError);
    expect(await rejectionOf(client.invokeOneway(null, createRequest(GET_ROUTE), 2000))).toBeInstanceOf(RemotingConnectError);
  });

  test("an empty update is ignored (the list is kept, as in Java)", async () => {
    const ns = await nameServer("ns1");
    const client = h.client();
    client.updateNameServerAddressList([ns.addr]);
    client.updateNameServerAddressList([]);
    expect(client.getNameServerAddressList()).toEqual([ns.addr]);
    expect((await client.invokeSync(null, createRequest(GET_ROUTE), 2000)).remark).toBe("ns1");
  });

  test("an address that is not host:port is refused with a TypeError", () => {
    const client = h.client();
    expect(() => client.updateNameServerAddressList(["localhost"])).toThrow(TypeError);
    expect(() => client.updateNameServerAddressList("127.0.0.1:9876" as unknown as string[])).toThrow(TypeError);
  });

  test("replacing the list moves calls to the new name server and closes the old connection", async () => {
    const a = await nameServer("a");
    const b = await nameServer("b");
    const client = h.client();
    client.updateNameServerAddressList([a.addr]);
    expect((await client.invokeSync(null, createRequest(GET_ROUTE), 2000)).remark).toBe("a");
    client.updateNameServerAddressList([b.addr]);
    expect((await client.invokeSync(null, createRequest(GET_ROUTE), 2000)).remark).toBe("b");
    await waitFor(() => a.events.closes === 1, "the old name server connection to close");
  });
});

// Issue #7056: one unreachable name server must not make name server calls fail or wait
// for it on every call: calls fail over to a live one within their budget and then stick to it.
describe("failover", () => {
  test("one refused and one live name server: every call succeeds; the dead one is tried at most once", async () => {
    const live = await nameServer("live");
    const deadPort = await unusedPort();
    for (let trial = 0; trial < 4; trial++) {
      const spy = new SpyTransport();
      const client = h.client({ transport: spy });
      client.updateNameServerAddressList([`127.0.0.1:${deadPort}`, live.addr]);
      for (let i = 0; i < 20; i++) expect((await client.invokeSync(null, createRequest(GET_ROUTE), 2000)).remark).toBe("live");
      expect(spy.connectsTo(deadPort)).toBeLessThanOrEqual(1);
      expect(spy.connectsTo(live.server.port)).toBe(1);
    }
  });

  test("one blackholed and one live name server: calls fail over within their budget, then do not wait for it again", async () => {
    const live = await nameServer("live");
    const blackholedPort = await unusedPort();
    for (let trial = 0; trial < 4; trial++) {
      const spy = new SpyTransport();
      spy.blackholed.add(blackholedPort);
      const client = h.client({ transport: spy, connectTimeoutMs: 150 });
      client.updateNameServerAddressList([live.addr, `127.0.0.1:${blackholedPort}`]);
      const t0 = performance.now();
      // The first call may try the blackholed one first: 150 ms connect timeout, then the live one.
      expect((await client.invokeSync(null, createRequest(GET_ROUTE), 1000)).remark).toBe("live");
      expect(performance.now() - t0).toBeLessThan(700);
      const t1 = performance.now();
      for (let i = 0; i < 10; i++) expect((await client.invokeSync(null, createRequest(GET_ROUTE), 1000)).remark).toBe("live");
      expect(performance.now() - t1).toBeLessThan(140); // never again 150 ms for the dead one
      expect(spy.connectsTo(blackholedPort)).toBeLessThanOrEqual(1);
    }
  });

  test("concurrent first calls with a blackholed name server all succeed", async () => {
    const live = await nameServer("live");
    const blackholedPort = await unusedPort();
    const spy = new SpyTransport();
    spy.blackholed.add(blackholedPort);
    const client = h.client({ transport: spy, connectTimeoutMs: 100 });
    client.updateNameServerAddressList([`127.0.0.1:${blackholedPort}`, live.addr]);
    const all = deferred<string[]>();
    Promise.all(Array.from({ length: 20 }, () => client.invokeSync(null, createRequest(GET_ROUTE), 1000).then((r) => r.remark!))).then(all.resolve, all.reject);
    expect(await within(all.promise, 1500)).toEqual(Array(20).fill("live"));
  });
});
