import assert from "node:assert/strict";
import { LOCALHOST_CERT, LOCALHOST_KEY } from "../fixtures/tls-localhost.ts";
import { jsonFrame } from "../helpers/raw-frames.ts";
import { rejectionOf, waitFor } from "../helpers/promises.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const NEVER = 12;

// Errors keep their cause (issue 7 of the outside test and the lead's API rules): a call failed by
// its connection's close says why; a busy port is a RemotingListenError; a certificate that does
// not verify is the same RemotingTlsError on every transport.
export const errorCauses = group("errors keep their cause", (scenario) => {
  scenario("a server answering garbage: the pending calls fail with the decode error as their cause", async (h) => {
    const raw = await h.rawServer((conn, request) => {
      if (request.extFields?.last === "yes") conn.write(jsonFrame('{"code":0,"flag":1,"opaque":'));
    });
    const client = h.client();
    const addr = `127.0.0.1:${raw.port}`;
    const pending = rejectionOf(client.invokeSync(addr, h.lib.createRequest(NEVER), 10_000));
    await waitFor(() => raw.connections[0]?.frames.length === 1, "the first request");
    const trigger = rejectionOf(client.invokeSync(addr, h.lib.createRequest(NEVER, { extFields: { last: "yes" } }), 10_000));
    for (const error of [await pending, await trigger]) {
      assert.ok(error instanceof h.lib.RemotingSendRequestError, String(error));
      assert.ok(error.cause instanceof h.lib.RemotingCommandError, `cause: ${String(error.cause)}`);
    }
  });

  scenario("a server that resets the connection: the pending calls carry the reset as their cause", async (h) => {
    const raw = await h.rawServer();
    const client = h.client();
    const pending = rejectionOf(client.invokeSync(`127.0.0.1:${raw.port}`, h.lib.createRequest(NEVER), 10_000));
    await waitFor(() => raw.connections[0]?.frames.length === 1, "the request");
    raw.connections[0]!.reset();
    const error = await pending;
    assert.ok(error instanceof h.lib.RemotingSendRequestError, String(error));
    assert.ok(error.cause instanceof Error, `cause: ${String(error.cause)}`);
  });

  scenario("start() on a busy port rejects with RemotingListenError (ERR_REMOTING_LISTEN) naming host and port, with the system error as cause", async (h) => {
    const server = await h.server({}, (s) => s.registerProcessor(ECHO, h.echo));
    const error = await rejectionOf(h.newServer({ port: server.port }).start());
    assert.ok(error instanceof h.lib.RemotingListenError, String(error));
    assert.equal(error.code, "ERR_REMOTING_LISTEN");
    assert.ok(error.message.includes(`127.0.0.1:${server.port}`), error.message);
    assert.ok(error.cause !== undefined, "the system error as cause");
    assert.equal((await h.client().invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000)).code, 0, "the first server is unharmed");
  });

  scenario("a certificate the client cannot verify: RemotingConnectError whose cause is a RemotingTlsError (ERR_REMOTING_TLS)", async (h) => {
    const server = await h.server({ tlsMode: "enforcing", tls: { key: LOCALHOST_KEY, cert: LOCALHOST_CERT } }, (s) => s.registerProcessor(ECHO, h.echo));
    const client = h.client({ useTLS: true, tls: { serverName: "localhost" } });
    const error = await rejectionOf(client.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000));
    assert.ok(error instanceof h.lib.RemotingConnectError, String(error));
    assert.ok(error.cause instanceof h.lib.RemotingTlsError, `cause: ${String(error.cause)}`);
    assert.equal((error.cause as { code?: string }).code, "ERR_REMOTING_TLS");
  });
});
