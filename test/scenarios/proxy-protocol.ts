import assert from "node:assert/strict";
import * as net from "node:net";
import * as tls from "node:tls";
import type { ProcessorContext, RemotingCommand } from "../../src/surface.ts";
import { LOCALHOST_CERT, LOCALHOST_KEY } from "../fixtures/tls-localhost.ts";
import { deferred, waitFor, within } from "../helpers/promises.ts";
import type { ScenarioHarness } from "./harness.ts";
import { group } from "./scenario.ts";

const ECHO = 10;
const CLIENT = { address: "203.0.113.7", port: 51234 };
const PROXY_SIDE = { address: "198.51.100.1", port: 10911 };

/** A server whose processor and hook report what they saw of the connection. */
async function proxiedServer(h: ScenarioHarness, options: Record<string, unknown>) {
  const seen: { ctx: ProcessorContext; request: RemotingCommand }[] = [];
  const hooked: string[] = [];
  const events = { exceptions: [] as Error[], closes: 0 };
  const server = await h.server(options, (s) => {
    s.registerProcessor(ECHO, (ctx, request) => {
      seen.push({ ctx, request });
      return h.lib.createResponse(0, ctx.remoteAddress);
    });
    s.registerRPCHook({
      doBeforeRequest: (addr, _request, _direction, channel) => void hooked.push(`${addr} ${channel?.proxyHeader?.version ?? "-"}`),
      doAfterResponse: () => {},
    });
    s.setChannelEventListener({ onChannelException: (_a, _c, error) => void events.exceptions.push(error!), onChannelClose: () => void events.closes++ });
  });
  return { server, seen, hooked, events };
}

// HAProxy PROXY protocol in front of the RocketMQ frames (and of TLS): the original client's address
// and the header's TLVs reach processors and hooks.
export const proxyProtocol = group("PROXY protocol", (scenario) => {
  scenario("required, v1: the processor and the hooks see the original client; Java's attributes are set", async (h) => {
    const { server, seen, hooked } = await proxiedServer(h, { proxyProtocol: "required" });
    const raw = await h.rawClient(server.port);
    await raw.send(h.lib.encodeProxyHeaderV1({ family: "TCP4", source: CLIENT, destination: PROXY_SIDE }));
    await raw.sendFrame(h.lib.createRequest(ECHO, { opaque: 1 }));
    const [answer] = await raw.waitForFrames(1);
    assert.equal(answer!.remark, "203.0.113.7:51234");
    const { ctx } = seen[0]!;
    assert.equal(ctx.remoteAddress, "203.0.113.7:51234");
    assert.equal(ctx.proxyHeader?.version, 1);
    assert.equal(ctx.attributes.get("proxy_protocol_addr"), "203.0.113.7");
    assert.equal(ctx.attributes.get("proxy_protocol_port"), "51234");
    assert.equal(ctx.attributes.get("proxy_protocol_server_port"), "10911");
    assert.deepEqual(hooked, ["203.0.113.7:51234 1"]);
  });

  scenario("v2 with TLVs, split into single bytes together with the first frame: everything arrives", async (h) => {
    const { server, seen } = await proxiedServer(h, { proxyProtocol: "required" });
    const authority = new TextEncoder().encode("broker.example");
    const header = h.lib.encodeProxyHeaderV2({
      family: "TCP6",
      source: { address: "2001:db8::7", port: 40000 },
      destination: { address: "2001:db8::1", port: 10911 },
      tlvs: [{ type: h.lib.ProxyTlvType.AUTHORITY, value: authority }, { type: h.lib.ProxyTlvType.UNIQUE_ID, value: new Uint8Array([1, 2, 3]) }],
      crc32c: true,
    });
    const bytes = Buffer.concat([header, h.lib.encodeFrame(h.lib.createRequest(ECHO, { opaque: 9, body: new Uint8Array(300) }))]);
    const raw = await h.rawClient(server.port);
    for (const byte of bytes) await raw.send(new Uint8Array([byte]));
    const [answer] = await raw.waitForFrames(1);
    assert.equal(answer!.opaque, 9);
    assert.equal(answer!.remark, "[2001:db8::7]:40000");
    const tlvs = seen[0]!.ctx.proxyHeader!.tlvs;
    assert.deepEqual(tlvs.map((t) => t.name), ["AUTHORITY", "UNIQUE_ID", "CRC32C"]);
    assert.equal(new TextDecoder().decode(tlvs[0]!.value), "broker.example");
    assert.equal(seen[0]!.ctx.attributes.get("proxy_protocol_tlv_0x02"), "broker.example");
  });

  scenario("optional: plain RocketMQ clients and clients behind a proxy are served on one port; LOCAL keeps the socket's address", async (h) => {
    const { server, seen } = await proxiedServer(h, { proxyProtocol: "optional" });
    const plain = h.client();
    const direct = await plain.invokeSync(h.addrOf(server), h.lib.createRequest(ECHO), 3000);
    assert.match(direct.remark!, /^127\.0\.0\.1:\d+$/);
    assert.equal(seen[0]!.ctx.proxyHeader, null);
    const raw = await h.rawClient(server.port);
    await raw.send(Buffer.concat([h.lib.encodeProxyHeaderV1({ family: "TCP4", source: CLIENT, destination: PROXY_SIDE }), h.lib.encodeFrame(h.lib.createRequest(ECHO, { opaque: 2 }))]));
    assert.equal((await raw.waitForFrames(1))[0]!.remark, "203.0.113.7:51234");
    const local = await h.rawClient(server.port);
    await local.send(Buffer.concat([h.lib.encodeProxyHeaderV2({ command: "LOCAL", family: "UNSPEC" }), h.lib.encodeFrame(h.lib.createRequest(ECHO, { opaque: 3 }))]));
    assert.match((await local.waitForFrames(1))[0]!.remark!, /^127\.0\.0\.1:\d+$/); // a health check: the socket's own address
  });

  scenario("required without a header, and a malformed header: that connection is closed with a typed error; others are served", async (h) => {
    const { server, events } = await proxiedServer(h, { proxyProtocol: "required" });
    const plain = await h.rawClient(server.port);
    await plain.sendFrame(h.lib.createRequest(ECHO, { opaque: 1 }));
    await within(plain.closed.promise, 3000, "the connection without a header to be closed");
    const broken = await h.rawClient(server.port);
    await broken.send("PROXY TCP4 203.0.113.7 nonsense 1 2\r\n");
    await within(broken.closed.promise, 3000, "the malformed header's connection to be closed");
    await waitFor(() => events.closes === 2, "both CLOSE events");
    assert.equal(plain.frames.length + broken.frames.length, 0);
    assert.equal(events.exceptions.length, 2);
    for (const error of events.exceptions) {
      assert.ok(error instanceof h.lib.RemotingProxyProtocolError, String(error));
      assert.equal(error.code, "ERR_REMOTING_PROXY_PROTOCOL");
    }
    const good = await h.rawClient(server.port);
    await good.send(Buffer.concat([h.lib.encodeProxyHeaderV1({ family: "TCP4", source: CLIENT, destination: PROXY_SIDE }), h.lib.encodeFrame(h.lib.createRequest(ECHO, { opaque: 5 }))]));
    assert.equal((await good.waitForFrames(1))[0]!.opaque, 5);
  });

  scenario("a header that never completes is closed after frameTimeoutMs", async (h) => {
    const { server, events } = await proxiedServer(h, { proxyProtocol: "required", frameTimeoutMs: 150, scanIntervalMs: 30 });
    const slow = await h.rawClient(server.port);
    await slow.send("PROXY TCP4 203.0.113.7");
    await within(slow.closed.promise, 3000, "the stalled header's connection to be closed");
    await waitFor(() => events.closes === 1, "the CLOSE event");
    assert.match(events.exceptions[0]!.message, /the PROXY header \(22 bytes so far\) was not completed within frameTimeoutMs 150/);
  });

  scenario("the header comes before TLS: a TLS client behind a proxy is served with its original address", async (h) => {
    const { server, seen } = await proxiedServer(h, { proxyProtocol: "required", tls: { key: LOCALHOST_KEY, cert: LOCALHOST_CERT } });
    const socket = net.connect({ host: "127.0.0.1", port: server.port });
    h.defer(() => socket.destroy());
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.write(h.lib.encodeProxyHeaderV2({ family: "TCP4", source: CLIENT, destination: PROXY_SIDE }));
    const secure = tls.connect({ socket, ca: LOCALHOST_CERT, servername: "localhost" });
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    const decoder = new h.lib.FrameDecoder();
    const answer = deferred<RemotingCommand>();
    secure.on("data", (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) answer.resolve(frame);
    });
    secure.write(h.lib.encodeFrame(h.lib.createRequest(ECHO, { opaque: 4 })));
    assert.equal((await within(answer.promise, 3000, "the answer over TLS")).remark, "203.0.113.7:51234");
    assert.equal(seen[0]!.ctx.proxyHeader?.version, 2);
    secure.destroy();
  });
});
