import assert from "node:assert/strict";
import { group } from "./scenario.ts";

const ECHO = 10;

/** What README.md and the API contract document on both endpoints. */
const ENDPOINT_MEMBERS = [
  "registerProcessor",
  "registerDefaultProcessor",
  "registerRPCHook",
  "setChannelEventListener",
  "start",
  "invokeSync",
  "invokeAsync",
  "invokeOneway",
  "shutdown",
  "stats",
  Symbol.asyncDispose,
  // Java's RemotingServer/RemotingClient methods (the remoting spec), which README.md should list too.
  "clearRPCHook",
];
const SERVER_MEMBERS = new Set<string | symbol>([...ENDPOINT_MEMBERS, "port", "address", "newRemotingServer"]);
const CLIENT_MEMBERS = new Set<string | symbol>([
  ...ENDPOINT_MEMBERS,
  "updateNameServerAddressList",
  "closeChannel",
  // Java's (the remoting spec), which README.md should list too.
  "getNameServerAddressList",
  "isChannelWritable",
]);
/** Names of the internals the outside test reached; none may be visible on an instance or its prototypes. */
const INTERNALS = ["responseTable", "scan", "onCommand", "writeResponse", "connections", "traffic", "pendingPool", "hooks", "events", "defaultExecutor", "stalled", "channels", "transport", "options"];

/** Every property name on `object` and its prototypes, up to Object.prototype ("constructor" aside). */
function visibleNames(object: object): (string | symbol)[] {
  const names = new Set<string | symbol>();
  for (let o: object | null = object; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Reflect.ownKeys(o)) if (name !== "constructor") names.add(name);
  }
  return [...names];
}

function assertOnlyDocumented(what: string, instance: object, documented: Set<string | symbol>): void {
  const names = visibleNames(instance);
  const internals = INTERNALS.filter((name) => names.includes(name));
  const undocumented = names.filter((name) => !documented.has(name)).map(String);
  assert.deepEqual({ internals, undocumented }, { internals: [], undocumented: [] }, `${what} shows internals or members README.md does not document`);
}

// The outside test reached into the endpoints (responseTable, scan, onCommand, connections...). The
// exported RemotingServer and RemotingClient show only their documented members, before start,
// while serving, and after shutdown.
export const publicSurface = group("the endpoints' public surface", (scenario) => {
  scenario("RemotingServer and RemotingClient instances show only documented members", async (h) => {
    const server = h.newServer();
    const client = h.client();
    assertOnlyDocumented("a new RemotingServer", server, SERVER_MEMBERS);
    assertOnlyDocumented("a new RemotingClient", client, CLIENT_MEMBERS);
    server.registerProcessor(ECHO, h.echo);
    await server.start();
    assert.equal((await client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000)).code, 0);
    assertOnlyDocumented("a serving RemotingServer", server, SERVER_MEMBERS);
    assertOnlyDocumented("a RemotingClient after a call", client, CLIENT_MEMBERS);
    await client.shutdown();
    await server.shutdown();
    assertOnlyDocumented("a RemotingServer after shutdown", server, SERVER_MEMBERS);
    assertOnlyDocumented("a RemotingClient after shutdown", client, CLIENT_MEMBERS);
  });
});
